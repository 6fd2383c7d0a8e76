"""NPS: ask customers with recent activity how likely they are to recommend us, by e-mail (one
signed link per score, no sign-in) and in the customer area; the first answer counts.

Who is asked (`send_surveys`, a scheduled command): active customers who allow surveys (the
consent ledger, portal/privacy) and who, within the activity window, had a request solved or paid
a renewal, or have been members for the configured number of days — and were not asked within the
period. Every e-mail carries a link that withdraws the surveys consent.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.accounts.roles import CUSTOMER, ROLE_GROUPS
from portal.privacy.consent import SURVEYS, consenting, withdraw_link

from .models import InsightsSettings, NPSSurvey, NPSTrigger, RequestFacts

SALT = "portal.insights.nps"
SCORES = range(11)


class SurveyError(Exception):
    """A link or an answer that cannot be taken; the message is for the person."""


#: Sent with `survey` when a person answers (the first answer only; webhooks tell others).
nps_answered = Signal()


def absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def link(survey: NPSSurvey, score: int) -> str:
    token = signing.dumps({"s": survey.pk, "n": score}, salt=SALT, compress=True)
    return reverse("insights:nps_answer", kwargs={"token": token})


def open_link(token: str) -> tuple[NPSSurvey, int]:
    max_age = InsightsSettings.load().nps_valid_days * 86400
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise SurveyError(_("This link has expired. Thank you all the same.")) from None
    except signing.BadSignature:
        raise SurveyError(_("This link is not valid.")) from None
    survey = NPSSurvey.objects.filter(pk=data.get("s")).first()
    if survey is None or data.get("n") not in SCORES:
        raise SurveyError(_("This link is not valid."))
    return survey, data["n"]


@transaction.atomic
def answer(*, survey: NPSSurvey, score: int, comment: str = "", now: datetime | None = None) -> bool:
    """Record the score (and comment) once. False when the survey was answered already."""
    if score not in SCORES:
        raise SurveyError(_("Choose a number from 0 to 10."))
    updated = NPSSurvey.objects.filter(pk=survey.pk, answered_at__isnull=True).update(
        score=score, comment=comment.strip()[:2000], answered_at=now or timezone.now()
    )
    survey.refresh_from_db()
    if updated:
        nps_answered.send(sender=NPSSurvey, survey=survey)
    return bool(updated)


@transaction.atomic
def explain(*, survey: NPSSurvey, comment: str) -> bool:
    """The optional "why" after a one-click score, once."""
    comment = comment.strip()[:2000]
    if survey.answered_at is None or not comment:
        return False
    updated = NPSSurvey.objects.filter(pk=survey.pk, comment="").update(comment=comment)
    survey.refresh_from_db()
    return bool(updated)


def pending(person, *, now: datetime | None = None) -> NPSSurvey | None:
    """The question waiting for this person in the customer area, if any."""
    now = now or timezone.now()
    valid = timedelta(days=InsightsSettings.load().nps_valid_days)
    return (
        NPSSurvey.objects.filter(person=person, answered_at__isnull=True, asked_at__gte=now - valid)
        .order_by("-asked_at")
        .first()
    )


@dataclass(frozen=True)
class Candidate:
    person_id: int
    trigger: str


def candidates(*, now: datetime | None = None) -> list[Candidate]:
    """Who would be asked now, and why (a solved request first, then a renewal, then membership)."""
    from portal.membership.models import Order, Subscription
    from tickets.models import Ticket

    now = now or timezone.now()
    config = InsightsSettings.load()
    recent = now - timedelta(days=config.nps_activity_days)
    people = get_user_model().objects.filter(is_active=True, groups__name=ROLE_GROUPS[CUSTOMER])
    people = consenting(people, SURVEYS).exclude(
        pk__in=NPSSurvey.objects.filter(asked_at__gte=now - timedelta(days=config.nps_period_days)).values("person_id")
    )
    solved = set(
        Ticket.objects.filter(solved_at__gte=recent, merged_into__isnull=True).values_list("requester_id", flat=True)
    )
    renewed = set(
        Order.objects.filter(kind="renew", status="paid", paid_at__gte=recent).values_list("buyer_id", flat=True)
    )
    members = set(
        Subscription.objects.filter(
            holder__isnull=False, status="active", starts_at__lte=now - timedelta(days=config.nps_membership_days)
        ).values_list("holder_id", flat=True)
    )
    chosen = []
    for person_id in people.filter(Q(pk__in=solved | renewed | members)).values_list("pk", flat=True).distinct():
        trigger = (
            NPSTrigger.SOLVED_REQUEST
            if person_id in solved
            else NPSTrigger.RENEWAL
            if person_id in renewed
            else NPSTrigger.MEMBERSHIP
        )
        chosen.append(Candidate(person_id, trigger))
    return chosen


def ask(*, person, trigger: str, now: datetime | None = None) -> NPSSurvey:
    """A new survey for `person`, with its context as it is now."""
    from portal.membership.entitlements import support_entitlement
    from portal.membership.services.benefits import standing

    now = now or timezone.now()
    from tickets.models import Ticket

    last = Ticket.objects.filter(requester=person, merged_into__isnull=True).order_by("-created_at", "-pk").first()
    facts = RequestFacts.objects.filter(ticket=last).values_list("product", flat=True).first() if last else None
    tier = standing(person, now=now).tier
    return NPSSurvey.objects.create(
        person=person,
        trigger=trigger,
        asked_at=now,
        plan_id=support_entitlement(person).plan_id,
        tier=tier.name if tier else "",
        product=facts or "",
        last_request_id=last.pk if last else None,
    )


def send_surveys(*, now: datetime | None = None) -> int:
    """Ask everyone due and send each the e-mail. Safe to run twice: a person asked within the
    period is not asked again."""
    if not InsightsSettings.load().nps_enabled:
        return 0
    now = now or timezone.now()
    sent = 0
    due = candidates(now=now)
    people = get_user_model().objects.in_bulk([candidate.person_id for candidate in due])
    for candidate in due:
        person = people.get(candidate.person_id)
        if person is None:
            continue
        with transaction.atomic():
            survey = ask(person=person, trigger=candidate.trigger, now=now)
        send_email(survey)
        sent += 1
    return sent


def send_email(survey: NPSSurvey) -> None:
    person = survey.person
    with translation.override(person.locale):
        context = {
            "person": person,
            "scores": [(score, absolute(link(survey, score))) for score in SCORES],
            "customer_area_url": absolute(reverse("insights:nps_form")),
            "stop_url": absolute(withdraw_link(person, SURVEYS)),
        }
        stop_url = context["stop_url"]
        message = EmailMultiAlternatives(
            subject=_("How likely are you to recommend us?"),
            body=render_to_string("insights/email/nps.txt", context),
            to=[person.email],
            from_email=settings.DEFAULT_FROM_EMAIL,
            headers={"List-Unsubscribe": f"<{stop_url}>"},
        )
        message.attach_alternative(render_to_string("insights/email/nps.html", context), "text/html")
        message.send()


@transaction.atomic
def open_follow_up(*, survey: NPSSurvey, actor):
    """A detractor's comment becomes a request for the queue of their last request (or the first
    queue), assigned to its lead, so someone calls them back. Once per survey."""
    from tickets import services
    from tickets.choices import Channel, Impact
    from tickets.models import RequestType

    survey = NPSSurvey.objects.select_for_update().get(pk=survey.pk)
    if survey.follow_up_id:
        return survey.follow_up
    if survey.group != "detractor":
        raise SurveyError(_("Only detractors' answers open a follow-up."))
    request_type = None
    if survey.last_request_id:
        request_type = RequestType.objects.filter(pk=survey.last_request.request_type_id).first()
    request_type = request_type or RequestType.objects.order_by("order", "pk").first()
    if request_type is None:
        raise SurveyError(_("There is no request type to file the follow-up under."))
    ticket = services.open_ticket(
        requester=survey.person,
        request_type=request_type,
        subject=_("Follow-up on your feedback (score %(score)s)") % {"score": survey.score},
        description=survey.comment or _("(no comment)"),
        impact=Impact.QUESTION,
        channel=Channel.PHONE,
        created_by=actor,
    )
    lead = request_type.queue.lead
    if lead is not None:
        services.update_ticket(ticket=ticket, actor=actor, assignee=lead)
    survey.follow_up = ticket
    survey.save(update_fields=["follow_up"])
    return ticket
