"""The weekly e-mail to each queue lead: last week's figures for their queue beside the week before.

`manage.py send_insights_summary` (weekly, Monday morning). Safe to run twice: a queue's week is
recorded before its e-mail goes, under a unique constraint, so a second run (or a second process)
sends nothing again.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tickets.models import Queue

from . import metrics
from .models import SummarySent


def last_week(today: date | None = None) -> metrics.Period:
    """Monday to Sunday of the last full week, in the portal's time zone."""
    today = today or timezone.localdate()
    monday = today - timedelta(days=today.weekday() + 7)
    return metrics.Period(monday, monday + timedelta(days=6))


def figures(queue: Queue, period: metrics.Period) -> dict:
    scope = metrics.Scope.of(queue=queue.pk)
    return {
        "volume": metrics.volume(period, scope),
        "first": metrics.reply_times(period, "first", scope),
        "sla": metrics.sla_attainment(period, scope),
        "csat": metrics.csat(period, scope),
    }


def send_summaries(*, today: date | None = None) -> int:
    """E-mail each queue's lead the summary of last week, once; returns how many went."""
    period = last_week(today)
    sent = 0
    for queue in Queue.objects.filter(lead__isnull=False, lead__is_active=True).select_related("lead"):
        try:
            with transaction.atomic():
                SummarySent.objects.create(queue=queue, week=period.first_day, recipient=queue.lead)
                _send(queue, period)
        except IntegrityError:
            continue  # this week's summary of this queue went already
        sent += 1
    return sent


def _send(queue: Queue, period: metrics.Period) -> None:
    lead = queue.lead
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    query = f"start={period.first_day}&end={period.last_day}&queue={queue.pk}"
    with translation.override(lead.locale):
        context = {
            "recipient": lead,
            "queue": queue,
            "period": period,
            "now": figures(queue, period),
            "before": figures(queue, period.previous()),
            "url": f"{base}{reverse('insights_overview')}?{query}",
        }
        message = EmailMultiAlternatives(
            subject=_("%(queue)s: last week in support") % {"queue": queue.name},
            body=render_to_string("insights/email/summary.txt", context),
            to=[lead.email],
            from_email=settings.DEFAULT_FROM_EMAIL,
        )
        message.attach_alternative(render_to_string("insights/email/summary.html", context), "text/html")
        message.send()
