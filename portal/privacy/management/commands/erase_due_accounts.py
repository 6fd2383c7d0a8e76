from django.core.management.base import BaseCommand

from portal.privacy.erasure import erase_due


class Command(BaseCommand):
    help = "Erase the accounts whose grace period has ended and were not cancelled (daily; safe to repeat)."

    def handle(self, *args, **options):
        self.stdout.write(f"Erased {erase_due()} accounts.")
