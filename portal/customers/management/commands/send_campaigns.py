from django.core.management.base import BaseCommand

from portal.customers.campaigns import send_due


class Command(BaseCommand):
    help = "Send the next batch of every campaign being sent (every few minutes); safe to run twice."

    def handle(self, *args, **options):
        self.stdout.write(f"Reached {send_due()} people.")
