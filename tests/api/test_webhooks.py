"""Webhooks delivered over real HTTP to a receiver started by the test: signed, sent after the
change commits, retried with backoff for a day, paused (and the owner told) when failing for a day."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.utils import timezone

from portal.api import webhooks
from portal.api.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from tests.factories import UserFactory
from tickets import services
from tickets.choices import Impact

pytestmark = pytest.mark.django_db


class Receiver:
    """A little HTTP server that answers with the next status in `statuses` (200 when empty)."""

    def __init__(self):
        self.received: list[tuple[dict, bytes]] = []
        self.statuses: list[int] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                owner.received.append((dict(self.headers), body))
                status = owner.statuses.pop(0) if owner.statuses else 200
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"thanks" if status < 300 else b"broken")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.PORTAL_WEBHOOKS_ALLOW_HTTP = True
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def endpoint(receiver):
    return WebhookEndpoint.objects.create(
        url=receiver.url, events=["request.created", "request.reply"], owner=UserFactory(role="admin")
    )


def file(customer, request_type):
    return services.open_ticket(
        requester=customer, request_type=request_type, subject="Router restarts", description="Every hour.",
        impact=Impact.MINOR, fields={"version": "2"},
    )  # fmt: skip


def test_a_filed_request_is_delivered_signed_after_commit(
    receiver, endpoint, customer, request_type, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as pending:
        ticket = file(customer, request_type)
        assert receiver.received == []  # nothing leaves before the change commits
    for callback in pending:
        callback()
    assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    event = json.loads(body)
    assert event["type"] == "request.created" and event["data"]["reference"] == ticket.reference
    assert headers["Portal-Event-Id"] == event["id"]
    assert webhooks.verify(endpoint.secret, headers["Portal-Signature"], body)
    assert not webhooks.verify("whsec_wrong", headers["Portal-Signature"], body)
    assert not webhooks.verify(endpoint.secret, headers["Portal-Signature"], body + b" ")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.response_status, delivery.attempts) == ("delivered", 200, 1)


def test_events_nobody_subscribed_to_are_not_recorded(endpoint, customer, request_type, agent):
    ticket = file(customer, request_type)
    services.add_agent_reply(ticket=ticket, agent=agent, body="Internal", internal=True)
    assert set(WebhookEvent.objects.values_list("type", flat=True)) == {"request.created"}


def test_a_failing_endpoint_is_retried_with_backoff_then_paused_and_its_owner_told(
    receiver, endpoint, customer, request_type, django_capture_on_commit_callbacks
):
    receiver.statuses = [500] * 50
    with django_capture_on_commit_callbacks(execute=True):
        file(customer, request_type)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.response_status) == ("pending", 1, 500)
    created = delivery.event.created_at
    waits = []
    now = delivery.next_attempt_at
    while True:
        assert webhooks.send_due(now=now - timedelta(seconds=1)) == 0  # not before its time
        webhooks.send_due(now=now)
        delivery.refresh_from_db()
        if delivery.state != "pending":
            break
        waits.append(delivery.next_attempt_at - now)
        now = delivery.next_attempt_at
    assert [int(wait.total_seconds() // 60) for wait in waits[:4]] == [4, 16, 64, 256]
    assert delivery.state == "failed" and now - created <= timedelta(hours=24)
    assert len(receiver.received) == delivery.attempts
    endpoint.refresh_from_db()
    assert endpoint.paused_at is not None
    assert mail.outbox[-1].to == [endpoint.owner.email] and "paused" in mail.outbox[-1].subject
    # Paused: nothing new is recorded for it.
    file(customer, request_type)
    assert WebhookEvent.objects.count() == 1


def test_a_delivery_is_sent_once_even_if_two_workers_try(receiver, endpoint, customer, request_type):
    file(customer, request_type)
    delivery = WebhookDelivery.objects.get()
    assert webhooks.deliver(delivery.pk) == "delivered"
    assert webhooks.deliver(delivery.pk) == "skipped"
    assert len(receiver.received) == 1


def test_a_rotated_secret_signs_beside_the_old_one_for_a_day(receiver, endpoint, customer, request_type):
    old = endpoint.secret
    new = webhooks.rotate_secret(endpoint)
    file(customer, request_type)
    webhooks.send_due()
    headers, body = receiver.received[-1]
    assert webhooks.verify(old, headers["Portal-Signature"], body)
    assert webhooks.verify(new, headers["Portal-Signature"], body)
    assert len(endpoint.secrets_in_use(timezone.now() + timedelta(hours=25))) == 1


def test_the_admin_can_send_an_event_again(client, receiver, endpoint, customer, request_type):
    receiver.statuses = [503]
    file(customer, request_type)
    webhooks.send_due()
    delivery = WebhookDelivery.objects.get()
    client.force_login(UserFactory(role="admin"))
    log = client.get("/admin/webhooks/deliveries/", {"endpoint": endpoint.pk})
    assert log.status_code == 200 and b"request.created" in log.content and b"503" in log.content
    client.post(f"/admin/webhooks/deliveries/{delivery.pk}/redeliver/")
    webhooks.send_due()
    delivery.refresh_from_db()
    assert delivery.state == "delivered" and len(receiver.received) == 2


def test_webhooks_through_the_api_need_the_scope_and_an_admin(client, receiver):
    from portal.api.models import PersonalToken

    admin = UserFactory(role="admin")
    _made, secret = PersonalToken.make(person=admin, name="ops", scopes=["webhooks"], days=7)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    made = client.post(
        "/api/v1/webhooks/", json.dumps({"url": receiver.url, "events": ["order.paid"]}),
        content_type="application/json", **auth,
    )  # fmt: skip
    assert made.status_code == 201, made.content
    assert made.json()["secret"].startswith("whsec_")
    assert "secret" not in client.get(f"/api/v1/webhooks/{made.json()['id']}/", **auth).json()
    bad = client.post(
        "/api/v1/webhooks/", json.dumps({"url": receiver.url, "events": ["nothing.happened"]}),
        content_type="application/json", **auth,
    )  # fmt: skip
    assert bad.status_code == 400 and "events" in bad.json()["errors"]
    rotated = client.post(f"/api/v1/webhooks/{made.json()['id']}/rotate-secret/", **auth).json()
    assert rotated["secret"] != made.json()["secret"]
    customer = UserFactory(role="customer")
    _made, theirs = PersonalToken.make(person=customer, name="x", scopes=["webhooks"], days=7)
    assert client.get("/api/v1/webhooks/", HTTP_AUTHORIZATION=f"Bearer {theirs}").status_code == 403


def test_only_https_addresses_in_production(settings):
    from django.core.exceptions import ValidationError

    settings.PORTAL_WEBHOOKS_ALLOW_HTTP = False
    endpoint = WebhookEndpoint(url="http://example.com/hook", events=["order.paid"], owner=UserFactory())
    with pytest.raises(ValidationError):
        endpoint.full_clean()


def test_send_webhooks_announces_lapsed_subscriptions_once_and_forgets_old_events(receiver):
    from django.core.management import call_command

    from portal.membership.models import Plan, Subscription

    WebhookEndpoint.objects.create(url=receiver.url, events=["subscription.expired"], owner=UserFactory(role="admin"))
    holder = UserFactory(role="customer")
    plan = Plan.objects.create(name="Pro", code="pro", price=100, currency="RSD")
    now = timezone.now()
    Subscription.objects.create(
        holder=holder, plan=plan, starts_at=now - timedelta(days=365), ends_at=now - timedelta(hours=3)
    )
    call_command("send_webhooks")
    call_command("send_webhooks")
    expired = [json.loads(body) for _headers, body in receiver.received]
    assert [event["type"] for event in expired] == ["subscription.expired"]
    assert expired[0]["data"]["holder"] == holder.email
    WebhookEvent.objects.update(created_at=now - timedelta(days=31))
    assert webhooks.forget_old_events() >= 1
    assert not WebhookDelivery.objects.exists()


def test_a_change_nobody_subscribed_to_costs_no_query(customer, request_type, django_assert_num_queries, agent):
    ticket = file(customer, request_type)
    from tickets.models import TicketEvent

    webhooks._subscriptions()  # cached: every later change reads it from the cache
    with django_assert_num_queries(1):
        TicketEvent.objects.create(ticket_id=ticket.pk, kind="priority", old_value="normal", new_value="high")


def test_an_admin_subscribes_in_the_admin_and_odd_input_is_explained(client, receiver):
    admin = UserFactory(role="admin")
    client.force_login(admin)
    add = "/admin/snippets/api/webhookendpoint/add/"
    assert client.get(add).status_code == 200
    for url in (
        "https://hooks.example/\x00x",
        "https://hooks.example/a\r\nb",
        "https://hooks.example/" + "x" * 100_000,
        "²",
    ):
        page = client.post(add, {"url": url, "description": "CRM", "events": ["order.paid"], "is_active": "on"})
        assert page.status_code == 200, url[:40]  # the form again, with the reason
    assert not WebhookEndpoint.objects.exists()
    made = client.post(
        add, {"url": receiver.url, "description": "CRM\r\nsync", "events": ["order.paid", "request.created"],
              "is_active": "on"},
    )  # fmt: skip
    assert made.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.owner == admin and sorted(endpoint.events) == ["order.paid", "request.created"]
    edit = client.get(f"/admin/snippets/api/webhookendpoint/edit/{endpoint.pk}/")
    import re

    assert edit.status_code == 200
    checked = set(re.findall(r'name="events" value="([a-z._]+)"[^>]*checked', edit.content.decode()))
    assert checked == {"order.paid", "request.created"}
    customer = UserFactory(role="customer")
    client.force_login(customer)
    assert client.get(add).status_code in {302, 403}
    assert client.get("/admin/webhooks/deliveries/").status_code in {302, 403}
