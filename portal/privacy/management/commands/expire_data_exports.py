from django.core.management.base import BaseCommand

from portal.privacy.export import expire_old


class Command(BaseCommand):
    help = "Delete the files of data exports past their week (daily; safe to repeat)."

    def handle(self, *args, **options):
        self.stdout.write(f"Expired {expire_old()} exports.")
