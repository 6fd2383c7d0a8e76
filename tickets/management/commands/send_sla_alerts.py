from django.core.management.base import BaseCommand

from tickets.tasks import send_sla_alerts_task


class Command(BaseCommand):
    help = (
        "Remind agents of SLA targets coming due and escalate breaches to queue leads (each once). "
        "Run every five minutes, e.g. from cron."
    )

    def handle(self, *args, **options):
        result = send_sla_alerts_task.enqueue()
        self.stdout.write(f"Queued SLA alerts ({result.id}).")
