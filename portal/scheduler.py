"""One scheduler for every periodic command: `manage.py run_scheduler` (`make scheduler`).

APScheduler runs the jobs below in one process. Exactly one scheduler may run: it holds a lock for
as long as it lives — a PostgreSQL advisory lock on PostgreSQL (so two app servers that both start
one are safe), a file lock next to a SQLite database — and a second one started by mistake says
so and exits. Each job is a management command, safe to run twice (they mark what they did), so
a job cut short by a restart simply runs again at its next time.
"""

import fcntl
import hashlib
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands
from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    command: str
    args: tuple[str, ...] = ()
    minutes: int | None = None  # every N minutes, or else
    cron: str = ""  # a crontab line: minute hour day month day-of-week
    needs: str = ""  # a setting that must be set for the job to run (e.g. the IMAP host)

    @property
    def name(self) -> str:
        return " ".join((self.command, *self.args))


JOBS = [
    Job("send_request_emails", minutes=2),
    Job("send_sla_alerts", minutes=5),
    Job("flush_article_views", minutes=5),
    Job("publish_scheduled", minutes=5),
    Job("send_campaigns", minutes=5),
    Job("send_webhooks", minutes=1),
    Job("recover_tasks", minutes=1, needs="PORTAL_TASKS_ON_RQ"),
    Job("ingest_email", ("--imap",), minutes=1, needs="PORTAL_IMAP_HOST"),
    Job("send_renewal_reminders", minutes=60),
    Job("send_review_reminders", cron="0 7 * * *"),
    Job("send_digests", ("daily",), cron="0 7 * * *"),
    Job("send_digests", ("weekly",), cron="0 7 * * mon"),
    Job("send_insights_summary", cron="30 7 * * mon"),
    Job("send_nps_surveys", cron="0 10 * * *"),
    Job("expire_data_exports", cron="15 3 * * *"),
    Job("apply_retention", cron="30 3 * * *"),
    Job("erase_due_accounts", cron="45 3 * * *"),
    Job("score_customers", cron="0 4 * * *"),
    Job("insights_rollup", cron="30 4 * * *"),
    Job("expire_idempotency_keys", cron="0 5 * * *"),
]


def jobs() -> list[Job]:
    """The jobs this installation runs (a job whose setting is empty is left out)."""
    return [job for job in JOBS if not job.needs or getattr(settings, job.needs, "")]


def _fresh_connections() -> None:
    # Between runs a connection the database dropped is replaced, as a request would; never inside a
    # transaction someone else opened (a job run from a test or a shell).
    if not connection.in_atomic_block:
        close_old_connections()


def run(job: Job) -> None:
    """One run of a job; a failure is logged and the scheduler goes on."""
    _fresh_connections()
    try:
        call_command(job.command, *job.args, verbosity=0)
    except Exception:  # one job failing must not stop the others
        logger.exception("Scheduled job %s failed", job.name)
    finally:
        _fresh_connections()


def known_commands() -> set[str]:
    return set(get_commands())


class AlreadyRunning(Exception):
    """Another scheduler holds the lock."""


LOCK_NAME = "portal.scheduler"


def _lock_id(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def single_instance(name: str = LOCK_NAME, *, using=None):
    """Held while the block runs; AlreadyRunning when another process holds it (`using`: the
    database connection that holds a PostgreSQL lock, Django's default one unless given)."""
    using = using or connection
    if using.vendor == "postgresql":
        with using.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_lock_id(name)])
            if not cursor.fetchone()[0]:
                raise AlreadyRunning(name)
        try:
            yield
        finally:
            with using.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_lock_id(name)])
        return
    path = Path(settings.BASE_DIR) / "var" / f"{name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise AlreadyRunning(name) from error
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_scheduler():
    """A blocking APScheduler with every job; the caller starts it inside `single_instance`."""
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    scheduler = BlockingScheduler(timezone=settings.TIME_ZONE)
    for job in jobs():
        trigger = IntervalTrigger(minutes=job.minutes) if job.minutes else CronTrigger.from_crontab(job.cron)
        # One run at a time per job; a run missed while the scheduler was down happens once, late.
        scheduler.add_job(run, trigger, args=[job], id=job.name, max_instances=1, coalesce=True,
                          misfire_grace_time=3600)  # fmt: skip
    return scheduler
