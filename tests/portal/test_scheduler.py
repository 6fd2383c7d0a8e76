"""The scheduler: every periodic command on a valid schedule, and only one scheduler at a time."""

from io import StringIO

import pytest
from apscheduler.triggers.cron import CronTrigger
from django.core.management import CommandError, call_command
from django.db import connection, connections

from portal import scheduler

pytestmark = pytest.mark.django_db


def test_every_job_is_a_command_on_a_valid_schedule():
    known = scheduler.known_commands()
    for job in scheduler.JOBS:
        assert job.command in known, job.name
        assert bool(job.minutes) != bool(job.cron), job.name
        if job.cron:
            CronTrigger.from_crontab(job.cron)
    built = scheduler.build_scheduler()
    assert {j.id for j in built.get_jobs()} == {job.name for job in scheduler.jobs()}


def test_a_job_needing_a_setting_runs_only_with_it(settings):
    settings.PORTAL_IMAP_HOST = ""
    assert "ingest_email --imap" not in {job.name for job in scheduler.jobs()}
    settings.PORTAL_IMAP_HOST = "imap.example.com"
    assert "ingest_email --imap" in {job.name for job in scheduler.jobs()}


def test_a_second_scheduler_is_refused_while_the_first_holds_the_lock():
    other = connections.create_connection("default") if connection.vendor == "postgresql" else None
    try:
        with (
            scheduler.single_instance("portal.scheduler.test"),
            pytest.raises(scheduler.AlreadyRunning),
            scheduler.single_instance("portal.scheduler.test", using=other),
        ):
            pass
        with scheduler.single_instance("portal.scheduler.test", using=other):
            pass  # free again once the first let go
    finally:
        if other is not None:
            other.close()


def test_the_command_lists_runs_one_job_and_refuses_a_second_scheduler(monkeypatch, caplog):
    out = StringIO()
    call_command("run_scheduler", "--list", stdout=out)
    assert "send_webhooks" in out.getvalue() and "every 1 min" in out.getvalue()
    call_command("run_scheduler", "--once", "send_webhooks", stdout=out)  # runs under the lock
    assert "failed" not in caplog.text
    with pytest.raises(CommandError, match="No scheduled job"):
        call_command("run_scheduler", "--once", "nonsense")

    def held(*args, **kwargs):
        raise scheduler.AlreadyRunning("portal.scheduler")

    monkeypatch.setattr(scheduler, "single_instance", held)
    with pytest.raises(CommandError, match="Another scheduler is running"):
        call_command("run_scheduler")
