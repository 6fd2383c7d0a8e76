from django.core.management.base import BaseCommand

from portal.notifications.choices import EmailFrequency
from portal.notifications.services import send_digests


class Command(BaseCommand):
    help = "E-mail the daily (or weekly) digest of notifications to the people who chose one. Safe to repeat."

    def add_arguments(self, parser):
        parser.add_argument("frequency", choices=[EmailFrequency.DAILY, EmailFrequency.WEEKLY])

    def handle(self, *args, frequency, **options):
        self.stdout.write(f"Sent {send_digests(frequency=frequency)} digests.")
