from django.core.management.base import BaseCommand

from knowledge_base.tasks import send_review_reminders_task


class Command(BaseCommand):
    help = "E-mail owners their help articles past the review date (each once). Run daily, e.g. from cron."

    def handle(self, *args, **options):
        result = send_review_reminders_task.enqueue()
        self.stdout.write(f"Queued review reminders ({result.id}).")
