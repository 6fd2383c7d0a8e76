"""Webhook events from what the domain apps already announce (their signals and saves): the API
listens, the domain apps do not know it exists."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from community.signals import topic_started
from portal.insights.nps import nps_answered
from portal.membership.points import points_changed
from portal.privacy.consent import consent_changed
from tickets.signals import survey_changed

from . import serializers
from .webhooks import emit, subscriptions_changed, wanted


def _request(ticket) -> dict:
    return dict(serializers.DeskRequestSerializer(ticket).data)


# --- Support ------------------------------------------------------------------------------------

ACTIVE = {"new", "open", "waiting", "on_hold"}


@receiver(post_save, sender="tickets.TicketEvent", dispatch_uid="api.ticket_event")
def ticket_event(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    kind = instance.kind
    if kind == "created":
        emit("request.created", lambda: _request(instance.ticket))
    elif kind == "status":
        ticket = instance.ticket
        if instance.new_value == "solved":
            emit("request.solved", lambda: _request(ticket))
        elif instance.old_value in {"solved", "closed"} and instance.new_value in ACTIVE:
            emit("request.reopened", lambda: _request(ticket))
        else:
            emit(
                "request.updated",
                lambda: {**_request(ticket), "changed": {"status": [instance.old_value, instance.new_value]}},
            )
    elif kind in {"priority", "queue", "assignee"}:
        changed = {kind: [instance.old_value, instance.new_value]}
        emit("request.updated", lambda: {**_request(instance.ticket), "changed": changed})


@receiver(post_save, sender="tickets.Message", dispatch_uid="api.ticket_message")
def ticket_message(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return

    def data():
        shown = {"request": instance.ticket.reference, **serializers.MessageSerializer(instance).data}
        shown.pop("attachments", None)  # added after the message is saved; the request's API lists them
        return shown

    emit("request.note" if instance.is_internal else "request.reply", data)


@receiver(post_save, sender="tickets.SLAAlert", dispatch_uid="api.sla_alert")
def sla_alert(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    kind = "request.sla_breach" if instance.kind == "escalation" else "request.sla_warning"
    emit(kind, lambda: {**_request(instance.ticket), "target": instance.target})


@receiver(survey_changed, dispatch_uid="api.survey_changed")
def survey_answered(sender, survey, **kwargs):
    if survey.answered_at and survey.rating:
        emit(
            "request.rated",
            lambda: {"request": survey.ticket.reference, "rating": survey.rating, "reason": survey.reason,
             "comment": survey.comment, "answered_at": survey.answered_at},
        )  # fmt: skip


@receiver(nps_answered, dispatch_uid="api.nps_answered")
def nps_answer(sender, survey, **kwargs):
    emit(
        "nps.answered",
        lambda: {"id": survey.pk, "person": survey.person.email, "score": survey.score, "comment": survey.comment,
         "answered_at": survey.answered_at, "trigger": survey.trigger, "product": survey.product},
    )  # fmt: skip


# --- Community ----------------------------------------------------------------------------------


@receiver(topic_started, dispatch_uid="api.topic_started")
def topic_created(sender, topic, **kwargs):
    emit("topic.created", lambda: dict(serializers.TopicSerializer(topic).data))


@receiver(post_save, sender="community.Post", dispatch_uid="api.post_created")
def post_created(sender, instance, created, raw=False, **kwargs):
    if created and not raw and not instance.is_opening and instance.state == "published":
        emit("post.created", lambda: dict(serializers.PostSerializer(instance).data))


@receiver(pre_save, sender="community.Topic", dispatch_uid="api.topic_before")
def topic_before(sender, instance, raw=False, update_fields=None, **kwargs):
    if (
        update_fields is not None
        and "accepted_post" in update_fields
        and instance.pk
        and wanted("topic.answer_accepted")
    ):
        instance._portal_accepted_before = (
            sender.objects.filter(pk=instance.pk).values_list("accepted_post_id", flat=True).first()
        )


@receiver(post_save, sender="community.Topic", dispatch_uid="api.topic_accepted")
def answer_accepted(sender, instance, created, raw=False, update_fields=None, **kwargs):
    before = getattr(instance, "_portal_accepted_before", "unknown")
    if before == "unknown" or instance.accepted_post_id is None or before == instance.accepted_post_id:
        return
    emit(
        "topic.answer_accepted",
        lambda: {**serializers.TopicSerializer(instance).data, "accepted_post": instance.accepted_post_id},
    )


# --- Membership ---------------------------------------------------------------------------------


def _subscription(subscription) -> dict:
    return {
        "id": subscription.pk,
        "holder": getattr(subscription.holder, "email", None),
        "organisation": subscription.organisation_id,
        "plan": getattr(subscription.plan, "name", None),
        "status": subscription.status,
        "starts_at": subscription.starts_at,
        "ends_at": subscription.ends_at,
        "auto_renew": subscription.auto_renew,
    }


@receiver(post_save, sender="membership.SubscriptionEvent", dispatch_uid="api.subscription_event")
def subscription_event(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.kind == "renew":
        emit("subscription.renewed", lambda: _subscription(instance.subscription))


@receiver(pre_save, sender="membership.Subscription", dispatch_uid="api.subscription_before")
def subscription_before(sender, instance, raw=False, **kwargs):
    if instance.pk and not raw and (wanted("subscription.cancelled") or wanted("subscription.expired")):
        instance._portal_status_before = sender.objects.filter(pk=instance.pk).values_list("status", flat=True).first()


@receiver(post_save, sender="membership.Subscription", dispatch_uid="api.subscription_status")
def subscription_status(sender, instance, created, raw=False, **kwargs):
    before = getattr(instance, "_portal_status_before", None)
    if raw or before == instance.status:
        return
    if instance.status == "cancelled":
        emit("subscription.cancelled", lambda: _subscription(instance))
    elif instance.status == "expired":
        emit("subscription.expired", lambda: _subscription(instance))


def announce_lapsed(now=None) -> int:
    """Subscriptions whose period ended without a renewal are "expired" to the outside world; each
    end is announced once (run by `send_webhooks`)."""
    from datetime import timedelta

    from django.utils import timezone

    from portal.membership.models import Subscription

    from .models import WebhookEvent

    if not wanted("subscription.expired"):
        return 0
    now = now or timezone.now()
    lapsed = Subscription.objects.filter(status="active", ends_at__lte=now, ends_at__gt=now - timedelta(days=2))
    count = 0
    for subscription in lapsed.select_related("holder", "plan"):
        ends = subscription.ends_at.isoformat()
        told = WebhookEvent.objects.filter(type="subscription.expired", data__id=subscription.pk, data__ends_at=ends)
        if not told.exists():
            count += emit("subscription.expired", {**_subscription(subscription), "ends_at": ends}) is not None
    return count


@receiver(post_save, sender="membership.Order", dispatch_uid="api.order_paid")
def order_paid(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or instance.status != "paid" or (update_fields is not None and "status" not in update_fields):
        return
    emit(
        "order.paid",
        lambda: {"id": instance.pk, "buyer": getattr(instance.buyer, "email", None), "kind": instance.kind,
         "plan": getattr(instance.plan, "name", None), "amount": instance.amount, "currency": instance.currency,
         "paid_at": instance.paid_at},
    )  # fmt: skip


@receiver(post_save, sender="membership.Invoice", dispatch_uid="api.invoice_issued")
def invoice_issued(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        emit(
            "invoice.issued",
            lambda: {"id": instance.pk, "number": instance.number, "order": instance.order_id,
                     "status": instance.status, "total": instance.total, "currency": instance.currency,
                     "issued_at": instance.issued_at},
        )  # fmt: skip


@receiver(points_changed, dispatch_uid="api.points_changed")
def points(sender, user, points, reason, source, **kwargs):
    emit("points.changed", lambda: {"person": user.email, "points": points, "reason": reason, "source": source})


# --- Privacy ------------------------------------------------------------------------------------


@receiver(consent_changed, dispatch_uid="api.consent_changed")
def consent(sender, person, purpose, granted, **kwargs):
    emit("consent.changed", lambda: {"person": person.email, "purpose": purpose, "granted": granted})


# --- Subscriptions to events --------------------------------------------------------------------


@receiver(post_save, sender="api.WebhookEndpoint", dispatch_uid="api.endpoint_saved")
@receiver(post_delete, sender="api.WebhookEndpoint", dispatch_uid="api.endpoint_deleted")
def endpoints_changed(sender, **kwargs):
    subscriptions_changed()
