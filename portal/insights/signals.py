"""Every change to a request writes a TicketEvent (tickets.services._event); once it is committed,
the request is measured again, so a late change to an old request updates the figures of its day."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from portal.accounts.signals import DashboardCard, dashboard_cards
from tickets.models import TicketEvent
from tickets.signals import filing_started, survey_changed


@receiver(post_save, sender=TicketEvent, dispatch_uid="insights.refresh_after_event")
def refresh_after_event(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    from .services import refresh_after

    ticket_pk, event_pk = instance.ticket_id, instance.pk
    transaction.on_commit(lambda: refresh_after(ticket_pk, event_pk), robust=True)


@receiver(filing_started, dispatch_uid="insights.record_filing_start")
def record_filing_start(sender, session_key, **kwargs):
    from django.utils import timezone

    from .models import FilingStart

    if session_key:
        now = timezone.now()
        FilingStart.objects.get_or_create(
            session_key=session_key, day=timezone.localdate(now), defaults={"started_at": now}
        )


@receiver(dashboard_cards, dispatch_uid="insights.nps_card")
def nps_card(sender, person, **kwargs):
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from .nps import pending

    if pending(person) is None:
        return None
    return DashboardCard(
        title=_("One question for you"),
        text=_("How likely are you to recommend us to a friend or colleague? It takes ten seconds."),
        link_text=_("Answer"),
        url=reverse("insights:nps_form"),
    )


@receiver(survey_changed, dispatch_uid="insights.refresh_after_survey")
def refresh_after_survey(sender, survey, **kwargs):
    from .services import refresh_facts

    refresh_facts(survey.ticket_id)


@receiver(post_delete, sender="insights.RequestFacts", dispatch_uid="insights.restale_after_delete")
def restale_after_delete(sender, instance, **kwargs):
    """A request merged or deleted leaves the months that counted it."""
    from .rollups import mark_stale_since

    mark_stale_since(instance.created_at)
