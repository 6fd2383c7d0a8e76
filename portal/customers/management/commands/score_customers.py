from django.core.management.base import BaseCommand

from portal.customers.rfm import score_all


class Command(BaseCommand):
    help = "Score every consenting customer's recency, frequency and money again (daily); safe to run twice."

    def handle(self, *args, **options):
        result = score_all()
        self.stdout.write(
            f"Scored {result.scored} customers: {result.changed} changed, {result.removed} left scoring, "
            f"{result.moved} moved between groups."
        )
