"""Background work on RQ: a real Redis and real `manage.py rqworker` processes. A task that fails
is retried, and a task whose worker is killed in the middle runs again and finishes once."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import django_rq
import pytest
import redis
from django.conf import settings as django_settings
from django_tasks import TaskResultStatus
from django_tasks_rq import Job
from rq.registry import StartedJobRegistry

from portal import observability, queue
from tests.portal import queued

QUEUE_URL = django_settings.RQ_QUEUES["default"]["URL"]
ROOT = Path(django_settings.BASE_DIR)


@pytest.fixture
def rq(settings):
    connection = redis.Redis.from_url(QUEUE_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.fail("Redis must answer at 127.0.0.1:6379 for the queue tests")
    connection.flushdb()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.PORTAL_TASK_RETRY_PAUSES = (0, 0)
    yield connection
    connection.flushdb()


def worker(*args: str) -> subprocess.Popen:
    env = {
        **os.environ,
        # Development settings take the task backend and the queue from the environment, as a
        # deployment does; the test settings pin tasks to run immediately.
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "PORTAL_TASK_BACKEND": "rq",
        "PORTAL_QUEUE_URL": QUEUE_URL,
        "PORTAL_TASK_RETRY_PAUSES": "0,0",
    }
    command = [sys.executable, "manage.py", "rqworker", "default", *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stderr=subprocess.PIPE, text=True)


def wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def attempts(folder: Path) -> list[str]:
    log = folder / "attempts"
    return log.read_text().split() if log.exists() else []


def test_a_failing_task_is_retried_and_succeeds(rq, tmp_path):
    result = queued.fails_once.enqueue(str(tmp_path))
    assert result.status == TaskResultStatus.READY
    run = worker("--burst")
    _out, errors = run.communicate(timeout=120)
    assert run.returncode == 0, errors
    assert attempts(tmp_path) == ["start", "start", "done"]
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == "done"


def test_a_task_whose_work_horse_is_killed_runs_again_and_finishes_once(rq, tmp_path):
    result = queued.hangs_once.enqueue(str(tmp_path))
    run = worker("--burst")
    try:
        wait_for(lambda: attempts(tmp_path) == ["start"])
        horses = subprocess.run(["pgrep", "-P", str(run.pid)], capture_output=True, text=True).stdout.split()
        assert len(horses) == 1, horses  # the worker forks one process for the task it runs
        os.kill(int(horses[0]), signal.SIGKILL)
        _out, errors = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    assert attempts(tmp_path) == ["start", "start", "done"], errors
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL


def test_a_task_whose_whole_worker_dies_is_taken_up_by_the_next_and_finishes_once(rq, tmp_path):
    result = queued.hangs_once.enqueue(str(tmp_path))
    first = worker()
    try:
        wait_for(lambda: attempts(tmp_path) == ["start"])
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # the worker and the process running the task, at once
        first.wait()
    started = StartedJobRegistry(queue=django_rq.get_queue("default"), job_class=Job)  # as a worker sees it
    assert started.get_job_ids() == [result.id]  # though nobody is running it now
    # The scheduler's recover_tasks finds the task abandoned once its heartbeat has run out; an hour on:
    assert queue.recover_abandoned(at=time.time() + 3600) == 1
    second = worker("--burst")
    _out, errors = second.communicate(timeout=120)
    assert second.returncode == 0, errors
    assert attempts(tmp_path) == ["start", "start", "done"]
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db
def test_readiness_reports_the_work_waiting_on_the_queue(rq, client, tmp_path):
    queued.fails_once.enqueue(str(tmp_path))
    queued.hangs_once.enqueue(str(tmp_path))
    tasks = client.get("/readyz").json()["checks"]["tasks"]
    assert tasks["status"] == "ok" and tasks["backend"] == "django_tasks_rq.RQBackend"
    assert tasks["waiting"] == 2 and tasks["failed"] == 0 and tasks["oldest_waiting_seconds"] >= 0


def test_a_task_queued_by_a_request_runs_under_the_request_id(rq, tmp_path):
    token = observability.current_request_id.set("req-4f1c2b9e7a")
    try:
        queued.records_request_id.enqueue(str(tmp_path))
    finally:
        observability.current_request_id.reset(token)
    run = worker("--burst")
    _out, errors = run.communicate(timeout=120)
    assert run.returncode == 0, errors
    assert (tmp_path / "request_id").read_text() == "req-4f1c2b9e7a"
