from django.core.management.base import BaseCommand

from portal.insights.rollups import roll_up_missing


class Command(BaseCommand):
    help = "Sum every past month not summed yet, or changed since, into the insights rollups (daily)."

    def handle(self, *args, **options):
        count = roll_up_missing()
        self.stdout.write(f"Summed {count} months.")
