from django.core.management.base import BaseCommand

from knowledge_base.services import flush_view_counts


class Command(BaseCommand):
    help = "Store the article view counters kept in the cache. Run every few minutes, e.g. from cron."

    def handle(self, *args, **options):
        self.stdout.write(f"Stored {flush_view_counts()} views.")
