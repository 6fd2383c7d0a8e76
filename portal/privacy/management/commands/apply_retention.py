from django.core.management.base import BaseCommand

from portal.privacy.retention import apply_retention


class Command(BaseCommand):
    help = "Delete what is past its retention period (daily; safe to repeat) and say how much."

    def handle(self, *args, **options):
        for what, count in apply_retention().items():
            self.stdout.write(f"{what}: {count} deleted")
