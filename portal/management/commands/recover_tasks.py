"""Retry the tasks of RQ workers that died in the middle of them (portal/queue.py)."""

from django.core.management.base import BaseCommand

from portal.queue import recover_abandoned


class Command(BaseCommand):
    help = "Give the tasks of task workers that died mid-task back to the queue (PORTAL_TASK_BACKEND=rq)."

    def handle(self, *args, **options):
        self.stdout.write(f"Recovered {recover_abandoned()} abandoned tasks.")
