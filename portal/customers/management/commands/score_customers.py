from django.core.management.base import BaseCommand

from portal.customers.rfm import score_all
from portal.customers.segments import refresh_all


class Command(BaseCommand):
    help = (
        "Score every consenting customer's recency, frequency and money again, then bring every rule "
        "segment's members up to date (daily); safe to run twice."
    )

    def handle(self, *args, **options):
        result = score_all()
        self.stdout.write(
            f"Scored {result.scored} customers: {result.changed} changed, {result.removed} left scoring, "
            f"{result.moved} moved between groups."
        )
        for code, (joined, left) in refresh_all().items():
            self.stdout.write(f"Segment {code}: {joined} joined, {left} left.")
