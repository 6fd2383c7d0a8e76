from django.core.management.base import BaseCommand

from tickets.mail import retry_failed


class Command(BaseCommand):
    help = "Send request e-mails that are still waiting or failed before (run every few minutes)."

    def handle(self, *args, **options):
        self.stdout.write(f"Sent {retry_failed()} e-mails.")
