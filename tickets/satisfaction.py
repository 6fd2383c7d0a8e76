"""CSAT: after a request is solved, ask its customer once how the support was; links work signed out.

A customer is asked at most once per `survey_period_days`; the one-click link in the e-mail is
signed, expires after `survey_valid_days` and records the first rating only. A "bad" rating asks
for a reason from the configured list and an optional comment.
"""

from datetime import datetime, timedelta

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Rating, SatisfactionSurvey, SupportSettings, Ticket
from .signals import survey_changed

SALT = "tickets.satisfaction"


class SurveyError(Exception):
    pass


def maybe_ask(ticket: Ticket, *, now: datetime | None = None) -> SatisfactionSurvey | None:
    """The survey for a request just solved, unless its customer was asked recently (or already)."""
    now = now or timezone.now()
    existing = SatisfactionSurvey.objects.filter(ticket=ticket).first()
    if existing is not None:
        return existing if not existing.answered_at else None
    period = SupportSettings.current().survey_period_days
    if (
        period
        and SatisfactionSurvey.objects.filter(
            customer_id=ticket.requester_id, asked_at__gte=now - timedelta(days=period)
        ).exists()
    ):
        return None
    survey = SatisfactionSurvey.objects.create(ticket=ticket, customer_id=ticket.requester_id, asked_at=now)
    _changed(survey)
    return survey


def _changed(survey: SatisfactionSurvey) -> None:
    transaction.on_commit(lambda: survey_changed.send(sender=SatisfactionSurvey, survey=survey))


def link(survey: SatisfactionSurvey, rating: str) -> str:
    token = signing.dumps({"s": survey.pk, "r": rating}, salt=SALT, compress=True)
    return reverse("tickets:rate", kwargs={"token": token})


def open_link(token: str) -> tuple[SatisfactionSurvey, str]:
    """The survey and rating a link names; SurveyError when forged or expired."""
    max_age = SupportSettings.current().survey_valid_days * 86400
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise SurveyError(_("This link has expired. You can still rate on the request's page.")) from None
    except signing.BadSignature:
        raise SurveyError(_("This link is not valid.")) from None
    survey = SatisfactionSurvey.objects.select_related("ticket").filter(pk=data.get("s")).first()
    if survey is None or data.get("r") not in Rating.values:
        raise SurveyError(_("This link is not valid."))
    return survey, data["r"]


@transaction.atomic
def rate(*, survey: SatisfactionSurvey, rating: str, reason: str = "", comment: str = "", now=None) -> bool:
    """Record the rating once. Returns False when the survey was answered already."""
    now = now or timezone.now()
    if rating not in Rating.values:
        raise SurveyError(_("Choose good or bad."))
    reasons = SupportSettings.current().bad_reasons
    if reason and reason not in reasons:
        raise SurveyError(_("Choose one of the reasons offered."))
    updated = SatisfactionSurvey.objects.filter(pk=survey.pk, answered_at__isnull=True).update(
        rating=rating,
        reason=reason if rating == Rating.BAD else "",
        comment=comment.strip()[:2000],
        answered_at=now,
    )
    survey.refresh_from_db()
    if updated:
        _changed(survey)
    return bool(updated)


@transaction.atomic
def explain(*, survey: SatisfactionSurvey, reason: str, comment: str = "") -> None:
    """After a one-click "bad": the reason and comment, once."""
    if survey.rating != Rating.BAD or survey.reason:
        raise SurveyError(_("Thank you, we have your answer already."))
    if reason not in SupportSettings.current().bad_reasons:
        raise SurveyError(_("Choose one of the reasons offered."))
    SatisfactionSurvey.objects.filter(pk=survey.pk, reason="").update(reason=reason, comment=comment.strip()[:2000])
    survey.refresh_from_db()
    _changed(survey)


def history(customer, limit: int = 5) -> list[SatisfactionSurvey]:
    return list(
        SatisfactionSurvey.objects.filter(customer=customer, answered_at__isnull=False)
        .select_related("ticket")
        .order_by("-answered_at")[:limit]
    )
