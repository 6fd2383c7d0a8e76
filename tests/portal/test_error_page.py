"""The error page: 503 with Retry-After while the database is away (a restart, a failover), 500
otherwise; self-contained, translated, naming the request id; a problem document under /api/."""

from http import HTTPStatus

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def visitor(settings):
    settings.ROOT_URLCONF = "tests.portal.broken_urls"
    return Client(raise_request_exception=False)


def test_the_database_away_answers_503_with_retry_after(visitor):
    answer = visitor.get("/broken/database/", HTTP_X_REQUEST_ID="lb-req-00000042")
    assert answer.status_code == HTTPStatus.SERVICE_UNAVAILABLE and answer["Retry-After"] == "30"
    page = answer.content.decode()
    assert "Back in a moment" in page and "nothing was saved" in page and "lb-req-00000042" in page
    assert '<html lang="en">' in page
    assert "<style" not in page and "/static/themes/error.css" in page  # the site's CSP allows no inline style


def test_any_other_error_answers_500_in_the_readers_language(visitor):
    answer = visitor.get("/broken/bug/", HTTP_ACCEPT_LANGUAGE="sl")
    assert answer.status_code == HTTPStatus.INTERNAL_SERVER_ERROR and "Retry-After" not in answer
    page = answer.content.decode()
    assert '<html lang="sl">' in page and "Something went wrong" not in page


def test_the_api_answers_a_problem(visitor):
    answer = visitor.get("/api/v1/broken/database/")
    assert answer.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert answer["Content-Type"] == "application/problem+json" and answer.json()["status"] == 503
    problem = answer.json()
    assert problem["type"].endswith("/unavailable") and problem["title"] == "Service Unavailable"
    assert problem["request_id"] == answer["X-Request-ID"] and answer["Retry-After"] == "30"
