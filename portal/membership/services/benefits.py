"""Tiers and benefits: which tier a person has reached, what it offers, and redeeming it once.

A tier is reached by points earned in the last 12 months (every source in the ledger: the
community now, purchases and renewals with plans) and by days since joining; the best tier
whose every condition is met is the person's tier.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import points as ledger
from ..choices import RedeemBy
from ..models import Benefit, BenefitCode, Redemption, Tier

YEAR = timedelta(days=365)


class BenefitError(Exception):
    """A benefit cannot be redeemed; the message says why."""


@dataclass(frozen=True)
class Standing:
    tier: Tier | None
    next_tier: Tier | None
    points_12m: int
    balance: int
    tenure_days: int
    points_needed: int  # for the next tier; 0 when points are not what is missing
    days_needed: int
    percent: int  # progress toward the next tier's points


def standing(user, *, now=None) -> Standing:
    now = now or timezone.now()
    earned = max(ledger.earned_since(user, now - YEAR), 0)
    tenure = max((now - user.date_joined).days, 0)
    tiers = list(Tier.objects.order_by("rank"))
    reached = [tier for tier in tiers if earned >= tier.min_points and tenure >= tier.min_tenure_days]
    tier = reached[-1] if reached else None
    above = [t for t in tiers if tier is None or t.rank > tier.rank]
    upcoming = above[0] if above else None
    points_needed = max(upcoming.min_points - earned, 0) if upcoming else 0
    days_needed = max(upcoming.min_tenure_days - tenure, 0) if upcoming else 0
    percent = 100 if not upcoming or not upcoming.min_points else min(100, earned * 100 // upcoming.min_points)
    return Standing(
        tier=tier,
        next_tier=upcoming,
        points_12m=earned,
        balance=ledger.balance(user, now=now),
        tenure_days=tenure,
        points_needed=points_needed,
        days_needed=days_needed,
        percent=percent,
    )


def in_tiers(people, codes, *, now=None):
    """The people of `people` whose tier is one of `codes`, by the rules of `standing` (points in
    the last 12 months and days since joining; the highest tier reached counts), in one query."""
    from django.db.models import Q

    now = now or timezone.now()
    people = ledger.annotate_points(people, now=now, since=now - YEAR)
    tiers = list(Tier.objects.order_by("rank"))

    def reaches(tier) -> Q:
        condition = Q(date_joined__lte=now - timedelta(days=tier.min_tenure_days))
        if tier.min_points:  # standing counts negative totals as 0, which reaches a 0-point tier
            condition &= Q(points_since__gte=tier.min_points)
        return condition

    condition = Q(pk__in=[])
    for index, tier in enumerate(tiers):
        if tier.code not in codes:
            continue
        holds = reaches(tier)
        for higher in tiers[index + 1 :]:
            holds &= ~reaches(higher)
        condition |= holds
    return people.filter(condition)


def available_benefits(user, tier: Tier | None, *, today=None) -> list[Benefit]:
    """Current benefits of the person's tier and the tiers below it, with what they already took."""
    if tier is None:
        return []
    benefits = list(Benefit.objects.current(today).filter(tier__rank__lte=tier.rank).select_related("tier"))
    taken: dict[int, int] = {}
    for benefit_id in Redemption.objects.filter(user=user).values_list("benefit_id", flat=True):
        taken[benefit_id] = taken.get(benefit_id, 0) + 1
    for benefit in benefits:
        benefit.times_taken = taken.get(benefit.pk, 0)
        benefit.may_redeem = benefit.times_taken < benefit.limit_per_member
    return benefits


@transaction.atomic
def redeem(*, user, benefit: Benefit, now=None) -> Redemption:
    """Give the person the benefit once more (a code from the pool when it has one).

    The person's row is locked first, so a double click or two tabs cannot pass the limit, and
    each code is taken with SKIP LOCKED, so two members never get the same one.
    """
    now = now or timezone.now()
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    benefit = Benefit.objects.select_related("tier").get(pk=benefit.pk)
    if not Benefit.objects.current(timezone.localdate(now)).filter(pk=benefit.pk).exists():
        raise BenefitError(_("This benefit is not offered now."))
    mine = standing(user, now=now)
    if mine.tier is None or mine.tier.rank < benefit.tier.rank:
        raise BenefitError(_("This benefit is for members of the %(tier)s tier.") % {"tier": benefit.tier.name})
    if Redemption.objects.filter(user=user, benefit=benefit).count() >= benefit.limit_per_member:
        raise BenefitError(_("You have already redeemed this benefit."))
    code = None
    if benefit.redeem_by == RedeemBy.CODE:
        code = (
            BenefitCode.objects.select_for_update(skip_locked=True)
            .filter(benefit=benefit, redeemed_by__isnull=True)
            .order_by("pk")
            .first()
        )
        if code is None:
            raise BenefitError(_("All codes of this benefit have been taken. We are adding more soon."))
        code.redeemed_by, code.redeemed_at = user, now
        code.save(update_fields=["redeemed_by", "redeemed_at"])
    return Redemption.objects.create(benefit=benefit, user=user, code=code, created_at=now)


def import_codes(*, benefit: Benefit, text: str) -> tuple[int, int]:
    """Add codes (one per line) to a benefit's pool. Returns (added, already there)."""
    codes = []
    for line in text.splitlines():
        code = line.strip()[:100]
        if code and code not in codes:
            codes.append(code)
    existing = set(BenefitCode.objects.filter(benefit=benefit, code__in=codes).values_list("code", flat=True))
    new = [BenefitCode(benefit=benefit, code=code) for code in codes if code not in existing]
    BenefitCode.objects.bulk_create(new, ignore_conflicts=True)
    return len(new), len(existing)
