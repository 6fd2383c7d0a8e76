"""A source changed many times while its index task waits is queued once; once the task starts, the
next change queues it again. (The load scenario found a busy topic queuing a task per reply.)"""

import pytest
from django.core.cache import cache
from django_tasks_db.models import DBTaskResult

from portal.search import signals
from portal.search.tasks import index_sources_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    cache.clear()

    def waiting():
        return [task.args_kwargs["args"][0] for task in DBTaskResult.objects.filter(status="READY")]

    return waiting


def test_a_source_waiting_for_its_task_is_not_queued_again(queued, django_capture_on_commit_callbacks):
    for _ in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            signals.schedule(sources=["topic:7"])
    with django_capture_on_commit_callbacks(execute=True):
        signals.schedule(sources=["topic:7", "request:3"])
    assert queued() == [["topic:7"], ["request:3"]]
    index_sources_task.call(["topic:7"], [])  # the worker takes it up
    with django_capture_on_commit_callbacks(execute=True):
        signals.schedule(sources=["topic:7"])
    assert queued() == [["topic:7"], ["request:3"], ["topic:7"]]


def test_page_moves_are_always_queued(queued, django_capture_on_commit_callbacks):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            signals.schedule(sources=["page:4"], subtrees=[4])
    assert len(queued()) == 2
