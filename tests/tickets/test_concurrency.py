"""Filing and replying at the same time, on PostgreSQL with real connections in threads."""

import threading

import pytest
from django.db import connection, connections

from tests.conftest import ensure_baseline
from tests.factories import UserFactory
from tickets import services
from tickets.choices import Impact
from tickets.models import Message, Ticket

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks are a PostgreSQL matter"),
]


@pytest.fixture(autouse=True)
def _baseline(transactional_db):
    ensure_baseline()  # the role groups, emptied by the previous transactional test


def run_at_once(count: int, work) -> list[BaseException]:
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def worker(index):
        try:
            barrier.wait(timeout=10)
            work(index)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_twenty_requests_filed_at_once_get_twenty_consecutive_references(request_type, policy):
    people = [UserFactory() for _ in range(20)]
    errors = run_at_once(
        20,
        lambda i: services.open_ticket(
            requester=people[i], request_type=request_type, subject=f"Request {i}", description="x", impact=Impact.MINOR
        ),
    )
    assert errors == []
    numbers = sorted(Ticket.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 21))


def test_two_agents_replying_at_once_lose_neither_reply(make_ticket, agent, second_agent):
    ticket = make_ticket(UserFactory())
    agents = [agent, second_agent]
    errors = run_at_once(2, lambda i: services.add_agent_reply(ticket=ticket, agent=agents[i], body=f"Reply from {i}"))
    assert errors == []
    assert sorted(Message.objects.filter(ticket=ticket).values_list("body_source", flat=True)) == [
        "Reply from 0",
        "Reply from 1",
    ]
    ticket.refresh_from_db()
    assert ticket.message_count == 2
    assert connection.vendor == "postgresql"
