from django.core.management.base import BaseCommand

from portal.api.signals import announce_lapsed
from portal.api.webhooks import forget_old_events, send_due


class Command(BaseCommand):
    help = (
        "Every minute: announce subscriptions that lapsed, send the webhook deliveries that are due "
        "(retries, and any a stopped worker left), and forget events older than 30 days."
    )

    def handle(self, *args, **options):
        lapsed = announce_lapsed()
        delivered = send_due()
        forgotten = forget_old_events()
        self.stdout.write(f"Announced {lapsed} lapsed subscriptions, delivered {delivered}, forgot {forgotten} events.")
