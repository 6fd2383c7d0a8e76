from django.core.management.base import BaseCommand

from portal.insights.summary import send_summaries


class Command(BaseCommand):
    help = "E-mail each queue lead last week's figures for their queue (weekly; safe to run twice)."

    def handle(self, *args, **options):
        self.stdout.write(f"Sent {send_summaries()} summaries.")
