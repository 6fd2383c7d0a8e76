"""Campaigns: an e-mail to a segment's consenting members, a batch at a time, once per person.

The audience is read when each batch is sent: members of the segment (or RFM group) now, who allow
profiling and the newsletter. Every person of it gets one `Delivery` row, in the same transaction
as their notification, so a batch run twice (a retried task, two workers) sends nobody twice. The
held-out share gets a row and no e-mail.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task

from .models import Campaign, CustomerScore, Delivery, SegmentMember
from .offers import in_holdout


class CampaignError(Exception):
    """The campaign cannot start; the message says why."""


def audience(campaign: Campaign) -> QuerySet:
    from portal.privacy.consent import NEWSLETTER, consenting

    from .rfm import scored_people

    people = scored_people()
    if campaign.segment_id:
        people = people.filter(pk__in=SegmentMember.objects.filter(segment_id=campaign.segment_id).values("person_id"))
    else:
        people = people.filter(pk__in=CustomerScore.objects.filter(group_id=campaign.rfm_group_id).values("person_id"))
    return consenting(get_user_model().objects.filter(pk__in=people.values("pk")), NEWSLETTER).order_by("pk")


@transaction.atomic
def start(campaign: Campaign) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Campaign.Status.DRAFT:
        raise CampaignError("This campaign has already started.")
    campaign.status = Campaign.Status.SENDING
    campaign.started_at = timezone.now()
    campaign.save(update_fields=["status", "started_at"])
    transaction.on_commit(lambda: send_batch_task.enqueue(campaign_id=campaign.pk))
    return campaign


@transaction.atomic
def send_batch(campaign_id: int) -> int:
    """Send the next batch; returns how many people it reached (held out included)."""
    from portal.notifications.services import notify
    from portal.privacy.consent import NEWSLETTER

    campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
    if campaign is None or campaign.status != Campaign.Status.SENDING:
        return 0
    done = Delivery.objects.filter(campaign=campaign).values("person_id")
    batch = list(audience(campaign).exclude(pk__in=done)[: campaign.batch_size])
    if not batch:
        campaign.status = Campaign.Status.SENT
        campaign.finished_at = timezone.now()
        campaign.save(update_fields=["status", "finished_at"])
        return 0
    held = {p.pk for p in batch if in_holdout("campaign", campaign.pk, p.pk, campaign.holdout_percent)}
    Delivery.objects.bulk_create([Delivery(campaign=campaign, person=p, holdout=p.pk in held) for p in batch])
    by_language: dict[str, list] = {}
    for person in batch:
        if person.pk not in held:
            by_language.setdefault(person.locale, []).append(person)
    translations = {t.language: t for t in campaign.translations.all()}
    for language, people in by_language.items():
        subject, body = text_for(campaign, translations, language)
        notify(
            recipients=people, kind="customers.campaign", title=subject, body=body, url=campaign.link,
            purpose=NEWSLETTER,
        )  # fmt: skip
    return len(batch)


def text_for(campaign: Campaign, translations: dict, language: str) -> tuple[str, str]:
    """(subject, body) in `language`: its translation; for Serbian, the other script's translation
    transliterated; else the campaign's own text."""
    from portal.serbian import cyrillic_to_latin, latin_to_cyrillic

    if language in translations:
        found = translations[language]
        return found.subject, found.body
    other, convert = {"sr": ("sr-latn", latin_to_cyrillic), "sr-latn": ("sr", cyrillic_to_latin)}.get(
        language, ("", None)
    )
    if other in translations:
        found = translations[other]
        return convert(found.subject), convert(found.body)
    return campaign.subject, campaign.body


@task()
def send_batch_task(*, campaign_id: int) -> None:
    send_batch(campaign_id)


def send_due() -> int:
    """One batch of every campaign being sent (a scheduled command runs this every few minutes)."""
    return sum(
        send_batch(pk) for pk in Campaign.objects.filter(status=Campaign.Status.SENDING).values_list("pk", flat=True)
    )
