"""Health checks of reused PostgreSQL connections (portal/db/postgresql)."""

import psycopg
import pytest
from django.core.signals import request_finished, request_started
from django.db import connection

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the PostgreSQL backend's own behaviour"),
]


def _terminate_from_outside(pid: int) -> None:
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"], dbname="postgres", autocommit=True
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.fixture
def health_checks():
    connection.health_check_enabled = True
    yield
    connection.health_check_enabled = False


def test_a_connection_left_idle_is_checked_and_replaced_when_the_server_dropped_it(health_checks):
    from portal.db.postgresql import base

    request_started.send(sender=None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    request_finished.send(sender=None)
    _terminate_from_outside(pid)
    connection.last_request_finished -= base.HEALTH_CHECK_IDLE_SECONDS + 1  # as if idle since
    request_started.send(sender=None)
    with connection.cursor() as cursor:  # the health check notices and reconnects
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
    request_finished.send(sender=None)


def test_a_connection_in_steady_use_is_not_asked_select_1_before_every_request(health_checks):
    request_started.send(sender=None)
    connection.ensure_connection()
    request_finished.send(sender=None)
    request_started.send(sender=None)
    assert connection.health_check_done  # trusted: it finished a request a moment ago
    request_finished.send(sender=None)
