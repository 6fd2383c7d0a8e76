"""Background work on RQ (Redis) at scale: `PORTAL_TASK_BACKEND=rq`, workers run `manage.py
rqworker --with-scheduler` (`make worker`).

django-tasks stays the interface (`@task`, `.enqueue()`); django-tasks-rq puts each task on an RQ
queue. Every job made through this queue class is retried: when its task raises, and when the
worker running it dies in the middle (RQ gives an abandoned job its retries too), after a growing
pause. Every task of ours is safe to run again: e-mails carry their own sent marks, webhook
deliveries their ids, counters are flushed by difference, so a second run changes nothing twice.
"""

import django_rq
from django.conf import settings
from django.utils import timezone
from django_rq.queues import DjangoRQ
from rq import Retry

from portal import observability


def retry_policy() -> Retry:
    pauses = settings.PORTAL_TASK_RETRY_PAUSES
    return Retry(max=len(pauses), interval=list(pauses))


class RetryingQueue(DjangoRQ):
    """RQ's queue, with our retry policy for every job that does not bring its own."""

    def create_job(self, *args, retry=None, meta=None, **kwargs):
        meta = {**(meta or {}), "request_id": observability.request_id()}  # taken up by the worker
        return super().create_job(*args, retry=retry or retry_policy(), meta=meta, **kwargs)


def waiting() -> dict:
    """How much work waits on the RQ queue, for /readyz: jobs waiting, the oldest one's age in
    seconds, and jobs that used up their retries."""
    queue = django_rq.get_queue("default")
    first = queue.get_job_ids(0, 1)
    oldest = queue.fetch_job(first[0]) if first else None
    age = (timezone.now() - oldest.enqueued_at).total_seconds() if oldest and oldest.enqueued_at else 0
    return {"waiting": queue.count, "oldest_waiting_seconds": round(age), "failed": queue.failed_job_registry.count}


def recover_abandoned(at: float | None = None) -> int:
    """Give back the tasks of workers that died mid-task (their heartbeat ran out): each is retried,
    or failed once its retries are spent. RQ's workers do this themselves every ten minutes; the
    scheduler does it every minute (`manage.py recover_tasks`). Returns how many it found."""
    queue = django_rq.get_queue("default")
    registry = queue.started_job_registry
    before = registry.get_job_count(cleanup=False)
    registry.cleanup(timestamp=at)  # `at`: a later moment, for tests
    return before - registry.get_job_count(cleanup=False)
