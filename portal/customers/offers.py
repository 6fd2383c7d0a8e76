"""Offers aimed at segments: which a person is shown now, the hold-out, and redemptions.

A person is in an offer's audience when one of their segments (rule segments, or their RFM group)
is among the offer's. A fixed share of each audience, chosen by a hash of the offer and the person
(so the same people every time, on every server), is held out: they are not shown the offer, and
their renewals are the baseline the shown people's are compared with.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from portal.cache_versions import OFFERS, versions

from .models import Exposure, Offer
from .segments import current_segments


def in_holdout(kind: str, pk: int, person_pk: int, percent: int) -> bool:
    """Is the person in the held-out share of offer or campaign `pk`? Stable across runs."""
    digest = hashlib.sha256(f"{kind}:{pk}:{person_pk}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent


def running(today) -> QuerySet:
    return (
        Offer.objects.filter(is_active=True)
        .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=today))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .prefetch_related("segments", "rfm_groups")
        .order_by("-pk")
    )


#: Showings of an offer to one person closer together than this count as one.
SHOWING_GAP = timedelta(minutes=10)

#: The longest the running offers are kept without a change to an offer, segment or RFM group.
RUNNING_SECONDS = 600


def running_with_aims(today) -> list[tuple[Offer, tuple[str, ...]]]:
    """The offers running on `today`, each with the codes it aims at in order (its segments, then
    its RFM groups as "rfm:<code>"): the same for everyone, so kept in the cache under the offers
    version (portal.customers.signals starts a new one on any change)."""
    key = f"customers:running-offers:{versions(OFFERS)}:{today.isoformat()}"
    found = cache.get(key)
    if found is None:
        found = [
            (
                offer,
                (
                    *(segment.code for segment in offer.segments.all()),
                    *(f"rfm:{group.code}" for group in offer.rfm_groups.all()),
                ),
            )
            for offer in running(today)
        ]
        cache.set(key, found, RUNNING_SECONDS)
    return found


def offers_for(person, *, now: datetime | None = None) -> list[Offer]:
    """The offers to show `person` now, newest first; every meeting (shown or held out) is recorded."""
    now = now or timezone.now()
    segments = current_segments(person)
    if not segments.profiling_allowed:
        return []
    codes = segments.codes
    if not codes:
        return []
    audience = []
    for offer, aims in running_with_aims(timezone.localdate(now)):
        aimed = next((code for code in aims if code in codes), "")
        if aimed:
            audience.append((offer, aimed, in_holdout("offer", offer.pk, person.pk, offer.holdout_percent)))
    if not audience:
        return []
    known = set(
        Exposure.objects.filter(person=person, offer__in=[o for o, _a, _h in audience]).values_list(
            "offer_id", flat=True
        )
    )
    Exposure.objects.bulk_create(
        [
            Exposure(offer=offer, person=person, segment=aimed, holdout=held, first_at=now, last_at=now)
            for offer, aimed, held in audience
            if offer.pk not in known
        ],
        ignore_conflicts=True,  # two tabs at once: one row
    )
    if known:
        # A reload is not a new showing: only one after SHOWING_GAP counts, so most page views
        # write nothing (one row updated on every view would be a write, a commit and a row lock
        # shared by every tab of the person).
        Exposure.objects.filter(person=person, offer_id__in=known, holdout=False, last_at__lt=now - SHOWING_GAP).update(
            last_at=now, times=F("times") + 1
        )
    return [offer for offer, _aimed, held in audience if not held]


def address(offer: Offer) -> str:
    if offer.benefit_id:
        return reverse("membership:benefits") + f"#benefit-{offer.benefit_id}"
    return offer.link


def record_redemption(redemption) -> int:
    """A benefit was redeemed: mark the exposures of offers of that benefit (once)."""
    return Exposure.objects.filter(
        person_id=redemption.user_id, offer__benefit_id=redemption.benefit_id, redemption__isnull=True
    ).update(redemption=redemption, redeemed_at=redemption.created_at)
