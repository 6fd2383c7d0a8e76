from django.core.management.base import BaseCommand

from portal.membership.services.subscriptions import send_reminders


class Command(BaseCommand):
    help = "Remind members before their period ends and write once after a lapse (run hourly; safe to repeat)."

    def handle(self, *args, **options):
        self.stdout.write(f"Sent {send_reminders()} reminders.")
