"""The API for a person's support requests: personal tokens, scopes, the same access rules as the
pages, idempotent creates, problem details, ETags, cursor pages and rate limits."""

import json
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.api.models import PersonalToken
from tests.factories import UserFactory
from tickets import services
from tickets.choices import Impact
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def token(customer):
    _token, secret = PersonalToken.make(
        person=customer, name="script", scopes=["requests:read", "requests:write"], days=30
    )
    return secret


@pytest.fixture
def filed(customer, request_type):
    return services.open_ticket(
        requester=customer, request_type=request_type, subject="Router restarts", description="Every hour.",
        impact=Impact.MINOR, fields={"version": "2"},
    )  # fmt: skip


def file(client, secret, request_type, **extra):
    body = {"type": request_type.pk, "subject": "Printer offline", "description": "Since Monday.",
            "fields": {"version": "3"}}  # fmt: skip
    body.update(extra.pop("body", {}))
    return client.post(
        "/api/v1/requests/", json.dumps(body), content_type="application/json", **bearer(secret), **extra
    )


def test_a_token_lists_only_its_persons_requests(client, token, filed, request_type):
    other = UserFactory(role="customer")
    services.open_ticket(
        requester=other, request_type=request_type, subject="Not yours", description="…", impact=Impact.MINOR,
        fields={"version": "1"},
    )  # fmt: skip
    answer = client.get("/api/v1/requests/", **bearer(token))
    assert answer.status_code == 200
    subjects = [row["subject"] for row in answer.json()["results"]]
    assert subjects == ["Router restarts"]
    assert client.get(f"/api/v1/requests/{filed.reference}/", **bearer(token)).json()["status"] == "new"


def test_another_persons_request_is_not_found(client, filed):
    _token, stranger = PersonalToken.make(
        person=UserFactory(role="customer"), name="x", scopes=["requests:read"], days=7
    )
    answer = client.get(f"/api/v1/requests/{filed.reference}/", **bearer(stranger))
    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json()["status"] == 404 and answer.json()["type"].endswith("/not-found")


def test_without_the_scope_a_call_is_refused_with_a_reason(client, customer):
    _token, secret = PersonalToken.make(person=customer, name="reader", scopes=["kb:read"], days=7)
    answer = client.get("/api/v1/requests/", **bearer(secret))
    assert answer.status_code == 403
    assert "scope" in answer.json()["detail"]


def test_a_revoked_or_expired_token_no_longer_works(client, customer):
    made, secret = PersonalToken.make(person=customer, name="old", scopes=["requests:read"], days=7)
    assert client.get("/api/v1/requests/", **bearer(secret)).status_code == 200
    PersonalToken.objects.filter(pk=made.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    answer = client.get("/api/v1/requests/", **bearer(secret))
    assert answer.status_code == 401 and "expired" in answer.json()["detail"]
    PersonalToken.objects.filter(pk=made.pk).update(
        expires_at=timezone.now() + timedelta(days=1), revoked_at=timezone.now()
    )
    assert client.get("/api/v1/requests/", **bearer(secret)).status_code == 401
    assert client.get("/api/v1/requests/", HTTP_AUTHORIZATION="Bearer pat_made-up").status_code == 401


def test_filing_creates_one_request_however_often_it_is_retried(client, token, request_type, customer):
    first = file(client, token, request_type, HTTP_IDEMPOTENCY_KEY="file-1")
    assert first.status_code == 201, first.content
    reference = first.json()["reference"]
    assert first["Location"] == f"/api/v1/requests/{reference}/"
    again = file(client, token, request_type, HTTP_IDEMPOTENCY_KEY="file-1")
    assert again.status_code == 201 and again.json()["reference"] == reference
    assert again["Idempotent-Replayed"] == "true"
    assert Ticket.objects.filter(requester=customer, subject="Printer offline").count() == 1
    other_body = file(client, token, request_type, HTTP_IDEMPOTENCY_KEY="file-1", body={"subject": "Another"})
    assert other_body.status_code == 422
    assert file(client, token, request_type, HTTP_IDEMPOTENCY_KEY="file-2").status_code == 201
    assert Ticket.objects.filter(requester=customer).count() == 2


def test_bad_input_says_which_field_and_stores_nothing(client, token, request_type, customer):
    answer = file(client, token, request_type, body={"subject": "", "fields": {}})
    assert answer.status_code == 400
    problem = answer.json()
    assert problem["type"].endswith("/invalid") and "subject" in problem["errors"]
    assert file(client, token, request_type, body={"type": 999_999}).json()["errors"] == {"type": ["Unknown."]}
    broken = client.post("/api/v1/requests/", "{not json", content_type="application/json", **bearer(token))
    assert broken.status_code == 400 and broken["Content-Type"] == "application/problem+json"
    assert not Ticket.objects.filter(requester=customer).exists()


def test_a_reply_with_a_file_then_solve_and_rate(client, token, filed, agent):
    upload = SimpleUploadedFile("screen.png", PNG, content_type="image/png")
    answer = client.post(
        f"/api/v1/requests/{filed.reference}/messages/", {"body": "Here is a picture.", "attachments": [upload]},
        **bearer(token),
    )  # fmt: skip
    assert answer.status_code == 201, answer.content
    conversation = client.get(f"/api/v1/requests/{filed.reference}/messages/", **bearer(token)).json()
    assert conversation[-1]["attachments"][0]["name"] == "screen.png"
    services.add_agent_reply(ticket=filed, agent=agent, body="Internal only", internal=True)
    bodies = [
        m["body_html"] for m in client.get(f"/api/v1/requests/{filed.reference}/messages/", **bearer(token)).json()
    ]
    assert not any("Internal only" in body for body in bodies)
    assert client.post(f"/api/v1/requests/{filed.reference}/solve/", **bearer(token)).json()["status"] == "solved"
    rated = client.post(
        f"/api/v1/requests/{filed.reference}/rating/", {"rating": "good", "comment": "Quick."}, **bearer(token)
    )
    assert rated.status_code == 200, rated.content
    twice = client.post(f"/api/v1/requests/{filed.reference}/rating/", {"rating": "bad"}, **bearer(token))
    assert twice.status_code == 409


def test_an_unchanged_read_answers_304(client, token, filed):
    first = client.get(f"/api/v1/requests/{filed.reference}/", **bearer(token))
    etag = first["ETag"]
    assert (
        client.get(f"/api/v1/requests/{filed.reference}/", HTTP_IF_NONE_MATCH=etag, **bearer(token)).status_code == 304
    )
    services.mark_solved(ticket=filed, actor=filed.requester)
    assert (
        client.get(f"/api/v1/requests/{filed.reference}/", HTTP_IF_NONE_MATCH=etag, **bearer(token)).status_code == 200
    )


def test_pages_follow_a_cursor(client, token, customer, request_type):
    for n in range(5):
        services.open_ticket(
            requester=customer, request_type=request_type, subject=f"Request {n}", description="…",
            impact=Impact.MINOR, fields={"version": "2"},
        )  # fmt: skip
    seen, url = [], "/api/v1/requests/?page_size=2"
    while url:
        page = client.get(url, **bearer(token)).json()
        seen += [row["subject"] for row in page["results"]]
        url = page["next"]
    assert sorted(seen) == [f"Request {n}" for n in range(5)]


def test_too_many_calls_answer_429_with_retry_after(client, token):
    from rest_framework.throttling import SimpleRateThrottle

    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = {**original, "token": "3/min"}  # the rate PORTAL_API_RATE would set
    try:
        answers = [client.get("/api/v1/requests/", **bearer(token)) for _ in range(4)]
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert int(answers[-1]["Retry-After"]) > 0
    assert answers[-1].json()["type"].endswith("/throttled")


def test_the_site_session_works_with_csrf(client, customer, filed):
    client.force_login(customer)
    assert client.get("/api/v1/requests/").status_code == 200
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(customer)
    assert strict.post(f"/api/v1/requests/{filed.reference}/solve/").status_code == 403


def test_a_nul_in_an_address_or_a_filter_is_refused_before_the_database(client, token):
    answer = client.get("/api/v1/requests/?status=%00", **bearer(token))
    assert answer.status_code == 400 and answer["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/community/categories/a%00b/").status_code == 404
    assert client.get("/accounts/oidc/a%00b/login/").status_code == 404


def test_the_tokens_page_makes_shows_once_and_revokes(client, customer):
    client.force_login(customer)
    made = client.post("/me/api-tokens/", {"name": "backup\r\nscript", "scopes": ["requests:read"], "days": "30"})
    assert made.status_code == 200
    secret = re.search(r'id="new-token" type="text" readonly value="(pat_[^"]+)"', made.content.decode()).group(1)
    token = PersonalToken.objects.get(person=customer)
    assert token.name == "backup script" and secret not in str(vars(token))  # only its digest is kept
    assert secret not in client.get("/me/api-tokens/").content.decode()  # shown once
    assert client.get("/api/v1/requests/", **bearer(secret)).status_code == 200
    client.post(f"/me/api-tokens/{token.pk}/revoke/")
    assert client.get("/api/v1/requests/", **bearer(secret)).status_code == 401
    other = UserFactory(role="customer")
    client.force_login(other)
    assert client.post(f"/me/api-tokens/{token.pk}/revoke/").status_code == 404


@pytest.mark.parametrize(
    "data",
    [
        {"name": "a\x00b", "scopes": ["requests:read"], "days": "30"},
        {"name": "x" * 100_000, "scopes": ["requests:read"], "days": "30"},
        {"name": "ok", "scopes": ["²"], "days": "30"},
        {"name": "ok", "scopes": ["desk"], "days": "30"},  # a staff scope, offered to staff only
        {"name": "ok", "scopes": ["requests:read"], "days": "²"},
        {"name": "\r\n", "scopes": ["requests:read"], "days": "30"},
    ],
)
def test_odd_token_requests_are_explained_and_make_nothing(client, customer, data):
    client.force_login(customer)
    page = client.post("/me/api-tokens/", data)
    assert page.status_code == 400 and page.context["form"].errors
    assert not PersonalToken.objects.exists()
