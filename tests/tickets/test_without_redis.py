"""With the shared cache away (Redis down), people still file requests and reply (the load
scenario's fault run found these failing: rate limits could not count)."""

from http import HTTPStatus

import pytest

from tests.portal.test_readiness import NO_REDIS
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_redis(settings):
    settings.CACHES = {**settings.CACHES, "default": NO_REDIS}


def test_a_request_is_filed_and_replied_to_without_the_cache(no_redis, site, customer_client, request_type):
    data = {"type": request_type.pk, "subject": "Wi-Fi drops", "description": "Every evening.", "impact": "minor"}
    response = customer_client.post("/support/new/", {**data, "extra_version": "2.1"})
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:500]
    ticket = Ticket.objects.get(subject="Wi-Fi drops")
    reply = customer_client.post(f"/support/requests/{ticket.reference}/reply/", {"body": "Still dropping."})
    assert reply.status_code == HTTPStatus.FOUND
    assert ticket.messages.filter(body_source="Still dropping.").count() == 1
