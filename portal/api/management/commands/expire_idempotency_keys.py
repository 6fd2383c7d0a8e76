from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from portal.api.models import IdempotentRequest


class Command(BaseCommand):
    help = "Forget the answers kept for Idempotency-Keys after a day (daily)."

    def handle(self, *args, **options):
        deleted, _ = IdempotentRequest.objects.filter(created_at__lt=timezone.now() - timedelta(days=1)).delete()
        self.stdout.write(f"Forgot {deleted}.")
