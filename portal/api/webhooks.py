"""Webhooks: events recorded with the change that caused them, delivered after it commits, signed,
retried with backoff for a day, and paused when an endpoint keeps failing.

A delivery is an HTTP POST of the event as JSON:

    {"id": "…uuid…", "type": "request.created", "created_at": "…", "data": {…the resource…}}

with the headers `Portal-Event-Id`, `Portal-Event-Type` and

    Portal-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>

(a second `v1=` while a rotated secret overlaps). A receiver checks that one v1 matches and that t
is recent; the README has the code.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from datetime import timedelta

import requests
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.cache_versions import WEBHOOKS, bump, versions

from .models import WebhookDelivery, WebhookEndpoint, WebhookEvent

log = logging.getLogger(__name__)

#: Every event type an endpoint can subscribe to, with what it means.
EVENTS = {
    "request.created": "A support request was filed",
    "request.updated": "A request's status, priority, queue or assignee changed",
    "request.solved": "A request was solved",
    "request.reopened": "A solved request was opened again",
    "request.reply": "A public reply on a request (by the customer or the team)",
    "request.note": "An internal note on a request",
    "request.sla_warning": "A request's SLA target is close",
    "request.sla_breach": "A request's SLA target passed",
    "request.rated": "A customer rated the support they received",
    "nps.answered": "A customer answered the NPS question",
    "topic.created": "A community topic was started",
    "post.created": "A community reply was posted",
    "topic.answer_accepted": "An answer was accepted on a community topic",
    "subscription.renewed": "A subscription was renewed",
    "subscription.expired": "A subscription expired",
    "subscription.cancelled": "A subscription was cancelled",
    "order.paid": "An order was paid",
    "invoice.issued": "An invoice was issued",
    "points.changed": "A person's points changed",
    "consent.changed": "A person gave or withdrew a consent",
}
#: Waits before each retry; after the last, a day has passed and the delivery gives up.
TIMEOUT_SECONDS = 10
GIVE_UP_AFTER = timedelta(hours=24)
PAUSE_AFTER = timedelta(hours=24)
LEASE = timedelta(minutes=5)
SIGNATURE_TOLERANCE_SECONDS = 300


def backoff(attempt: int) -> timedelta:
    """How long to wait after the `attempt`-th failed try: 1, 4, 16, 64 minutes, … at most 6 hours."""
    return timedelta(seconds=min(60 * 4 ** (attempt - 1), 6 * 3600))


# --- Signing -------------------------------------------------------------------------------------


def signature(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secrets: list[str], timestamp: int, body: bytes) -> str:
    return ",".join([f"t={timestamp}", *(f"v1={signature(secret, timestamp, body)}" for secret in secrets)])


def verify(secret: str, header: str, body: bytes, *, now: float | None = None) -> bool:
    """What a receiver does (and the README shows): a v1 made with our secret, sent recently."""
    parts = [part.split("=", 1) for part in header.split(",") if "=" in part]
    timestamps = [value for key, value in parts if key == "t"]
    if not timestamps or not timestamps[0].isdigit():
        return False
    timestamp = int(timestamps[0])
    if abs((now or time.time()) - timestamp) > SIGNATURE_TOLERANCE_SECONDS:
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, value) for key, value in parts if key == "v1")


# --- Recording -----------------------------------------------------------------------------------


def _subscriptions() -> list[tuple[int, list[str]]]:
    """(endpoint id, its events) of every endpoint taking deliveries; cached until one changes."""
    key = f"api:webhook-endpoints:{versions(WEBHOOKS)}"
    found = cache.get(key)
    if found is None:
        found = list(WebhookEndpoint.objects.filter(is_active=True, paused_at__isnull=True).values_list("pk", "events"))
        cache.set(key, found, 3600)
    return found


def subscriptions_changed() -> None:
    bump(WEBHOOKS)


def wanted(event_type: str) -> bool:
    """Whether any endpoint takes this event (one cached read)."""
    return any(event_type in events for _pk, events in _subscriptions())


def emit(event_type: str, data) -> WebhookEvent | None:
    """Record that `event_type` happened to the resource `data()` (as the API shows it). Call it
    inside the change's transaction: the event exists if the change does, and deliveries start
    once it commits. `data` is a function, called only when an endpoint takes the event: with no
    subscriber, a change costs one cached read and no query."""
    if event_type not in EVENTS:
        raise ValueError(f"unknown webhook event {event_type!r}")
    endpoints = [pk for pk, events in _subscriptions() if event_type in events]
    if not endpoints:
        return None
    shown = data() if callable(data) else data
    event = WebhookEvent.objects.create(type=event_type, data=json.loads(json.dumps(shown, cls=DjangoJSONEncoder)))
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(event=event, endpoint_id=pk, next_attempt_at=event.created_at) for pk in endpoints
    )
    ids = [delivery.pk for delivery in deliveries]
    transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return event


def _enqueue(ids: list[int]) -> None:
    from .tasks import deliver_task

    for pk in ids:
        deliver_task.enqueue(delivery_id=pk)


# --- Delivering ----------------------------------------------------------------------------------


def _claim(delivery_id: int, now) -> WebhookDelivery | None:
    """Take a due delivery for this worker: a worker that dies mid-send leaves it to be tried again
    when its lease ends; a second worker never sends it at the same time."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("event", "endpoint")
            .filter(pk=delivery_id, state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.next_attempt_at = now + LEASE
        delivery.save(update_fields=["attempts", "last_attempt_at", "next_attempt_at"])
    return delivery


def deliver(delivery_id: int, *, now=None) -> str:
    """Try one delivery once; returns its state afterwards."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return "skipped"
    endpoint, event = delivery.endpoint, delivery.event
    body = json.dumps(event.body(), cls=DjangoJSONEncoder, separators=(",", ":")).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Portal-Webhooks/1",
        "Portal-Event-Id": str(event.pk),
        "Portal-Event-Type": event.type,
        "Portal-Signature": signature_header(endpoint.secrets_in_use(now), timestamp, body),
    }
    status, excerpt, error = None, "", ""
    try:
        response = requests.post(
            endpoint.url, data=body, headers=headers, timeout=TIMEOUT_SECONDS, allow_redirects=False
        )
        status, excerpt = response.status_code, response.text[:500]
    except requests.RequestException as problem:
        error = f"{type(problem).__name__}: {problem}"[:300]
    delivered = status is not None and 200 <= status < 300
    delivery.response_status, delivery.response_excerpt, delivery.error = status, excerpt, error
    if delivered:
        delivery.state = WebhookDelivery.State.DELIVERED
    elif now + backoff(delivery.attempts) - event.created_at > GIVE_UP_AFTER:
        delivery.state = WebhookDelivery.State.FAILED
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    delivery.save(update_fields=["state", "response_status", "response_excerpt", "error", "next_attempt_at"])
    _record_health(endpoint, delivered, now, gave_up=delivery.state == WebhookDelivery.State.FAILED)
    return delivery.state


def _record_health(endpoint: WebhookEndpoint, delivered: bool, now, *, gave_up: bool = False) -> None:
    """An endpoint that has failed for a day (or whose delivery was retried for a day and given up)
    is paused, and its owner told once."""
    if delivered:
        if endpoint.failing_since:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
        return
    if endpoint.failing_since is None:
        WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(failing_since=now)
        if not gave_up:
            return
    failing_for = now - (endpoint.failing_since or now)
    if (gave_up or failing_for >= PAUSE_AFTER) and endpoint.paused_at is None:
        paused = WebhookEndpoint.objects.filter(pk=endpoint.pk, paused_at__isnull=True).update(paused_at=now)
        if paused:
            subscriptions_changed()
            _tell_owner(endpoint)


def _tell_owner(endpoint: WebhookEndpoint) -> None:
    owner = endpoint.owner
    send_mail(
        _("Webhook paused: %(url)s") % {"url": endpoint.url},
        _(
            "Deliveries to %(url)s have failed for a day, so we paused it. Nothing new is sent there until "
            "you resume it in the admin (Settings → Webhooks) or through the API; the delivery log shows "
            "what the address answered."
        )
        % {"url": endpoint.url},
        settings.DEFAULT_FROM_EMAIL,
        [owner.email],
    )


def due(now=None) -> list[int]:
    """Deliveries whose next try has come (retries, and any left by a worker that stopped)."""
    now = now or timezone.now()
    pending = WebhookDelivery.objects.filter(
        state=WebhookDelivery.State.PENDING,
        next_attempt_at__lte=now,
        endpoint__is_active=True,
        endpoint__paused_at__isnull=True,
    )
    return list(pending.order_by("next_attempt_at").values_list("pk", flat=True)[:500])


def send_due(now=None) -> int:
    return sum(deliver(pk, now=now) == WebhookDelivery.State.DELIVERED for pk in due(now))


def redeliver(delivery: WebhookDelivery) -> WebhookDelivery:
    """Send an event to an endpoint again (the admin's button): a new delivery of the same event."""
    delivery.state = WebhookDelivery.State.PENDING
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["state", "next_attempt_at"])
    transaction.on_commit(lambda: _enqueue([delivery.pk]), robust=True)
    return delivery


def rotate_secret(endpoint: WebhookEndpoint, *, overlap: timedelta = timedelta(hours=24)) -> str:
    """A new secret; the old one still signs (as a second v1) for `overlap`, so receivers can switch."""
    import secrets as random_secrets

    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_until = timezone.now() + overlap
    endpoint.secret = "whsec_" + random_secrets.token_urlsafe(32)
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
    return endpoint.secret


#: How long events and their delivery log are kept (they carry people's addresses).
KEEP_EVENTS = timedelta(days=30)


def forget_old_events(now=None) -> int:
    """Events older than KEEP_EVENTS go, with their deliveries (the log shows the last month)."""
    cutoff = (now or timezone.now()) - KEEP_EVENTS
    deleted, _by_model = WebhookEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted
