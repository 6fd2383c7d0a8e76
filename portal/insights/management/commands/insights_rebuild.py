from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from portal.insights.services import rebuild_facts


class Command(BaseCommand):
    help = "Measure support requests again for the insights (all, or those filed in the last N days)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="Only requests filed in the last N days.")

    def handle(self, *args, days=None, **options):
        since = timezone.now() - timedelta(days=days) if days else None
        count = rebuild_facts(since=since)
        self.stdout.write(f"Measured {count} requests.")
