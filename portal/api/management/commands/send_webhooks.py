from django.core.management.base import BaseCommand

from portal.api.webhooks import send_due


class Command(BaseCommand):
    help = "Send the webhook deliveries that are due: retries, and any a stopped worker left (every minute)."

    def handle(self, *args, **options):
        self.stdout.write(f"Delivered {send_due()}.")
