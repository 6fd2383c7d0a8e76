"""The one points ledger: every app gives and takes points here, never by writing rows itself.

A source (a vote, an accepted answer, an order) is worth some points at any moment; `settle`
appends whatever line brings the source's total to that worth. Calling it again with the same
worth appends nothing, so retried or repeated events count once, and withdrawing (worth 0)
appends a correction instead of deleting history.

With PORTAL_POINTS_EXPIRE_DAYS, points earned expire. A correction cancels particular earlier
lines and carries their expiry: taking back points that already expired changes the source's
total (so earning them again counts) but not the balance, which never goes below what was left.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, Sum
from django.dispatch import Signal
from django.utils import timezone

from .models import PointsEntry

#: reason code → its label: apps that give points register their reasons (TextChoices) here.
REASONS: dict[str, object] = {}
#: Sent with `user`, `points` (the change), `reason` and `source` whenever a settlement changes a
#: person's points (webhooks tell others).
points_changed = Signal()


def register_reasons(choices) -> None:
    REASONS.update({member.value: member.label for member in choices})


def reason_label(reason: str) -> str:
    return str(REASONS.get(reason, reason))


@dataclass(frozen=True)
class LeaderboardRow:
    user: object
    points: int


def _expiry(now: datetime) -> datetime | None:
    days = getattr(settings, "PORTAL_POINTS_EXPIRE_DAYS", 0)
    return now + timezone.timedelta(days=days) if days else None


@transaction.atomic
def settle(*, user, source: str, points: int, reason: str, note: str = "", now: datetime | None = None) -> int:
    """Make `source` worth `points` to `user`; return the points appended (0 when already so)."""
    now = now or timezone.now()
    # One writer per person at a time: two concurrent settles of the same source cannot both append.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    lines = list(PointsEntry.objects.filter(user=user, source=source).values_list("points", "expires_at"))
    difference = points - sum(value for value, _expires in lines)
    if difference > 0:
        PointsEntry.objects.create(
            user=user,
            points=difference,
            reason=reason,
            source=source,
            note=note[:255],
            created_at=now,
            expires_at=_expiry(now),
        )
    elif difference < 0:
        PointsEntry.objects.bulk_create(
            [
                PointsEntry(
                    user=user,
                    points=-taken,
                    reason=reason,
                    source=source,
                    note=note[:255],
                    created_at=now,
                    expires_at=expires_at,
                )
                for taken, expires_at in _cancelled(lines, -difference)
            ]
        )
    if difference:
        points_changed.send(sender=PointsEntry, user=user, points=difference, reason=reason, source=source)
    return difference


def _cancelled(lines, amount: int) -> list[tuple[int, datetime | None]]:
    """Which earlier lines a withdrawal of `amount` cancels: (points, their expiry), the lines that
    expire first taken first, those that never expire last."""
    remaining: dict[datetime | None, int] = {}
    for value, expires_at in lines:
        remaining[expires_at] = remaining.get(expires_at, 0) + value
    order = sorted(remaining, key=lambda when: (when is None, when or datetime.min))
    taken = []
    for expires_at in order:
        if amount <= 0:
            break
        share = min(amount, remaining[expires_at])
        if share > 0:
            taken.append((share, expires_at))
            amount -= share
    if amount > 0:  # below zero (a downvote's worth): the rest never expires
        taken.append((amount, None))
    merged: dict[datetime | None, int] = {}
    for share, expires_at in taken:
        merged[expires_at] = merged.get(expires_at, 0) + share
    return [(share, expires_at) for expires_at, share in merged.items()]


def _live(now: datetime) -> Q:
    return Q(expires_at__isnull=True) | Q(expires_at__gt=now)


def balance(user, *, now: datetime | None = None) -> int:
    """Points a person holds now (expired lines no longer count)."""
    now = now or timezone.now()
    return PointsEntry.objects.filter(_live(now), user=user).aggregate(total=Sum("points"))["total"] or 0


def earned_since(user, since: datetime, *, prefix: str = "") -> int:
    """Points earned from `since` on (what tiers and reputation levels look at)."""
    entries = PointsEntry.objects.filter(user=user, created_at__gte=since)
    if prefix:
        entries = entries.filter(source__startswith=prefix)
    return entries.aggregate(total=Sum("points"))["total"] or 0


def annotate_points(people, *, now: datetime | None = None, since: datetime | None = None):
    """`people` (a queryset of users) with `points_balance` (as `balance`) and, when `since` is
    given, `points_since` (as `earned_since`): one query for any number of people."""
    from django.db.models import IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    now = now or timezone.now()

    def total(entries):
        summed = entries.filter(user=OuterRef("pk")).order_by().values("user").annotate(t=Sum("points")).values("t")
        return Coalesce(Subquery(summed, output_field=IntegerField()), Value(0))

    people = people.annotate(points_balance=total(PointsEntry.objects.filter(_live(now))))
    if since is not None:
        people = people.annotate(points_since=total(PointsEntry.objects.filter(created_at__gte=since)))
    return people


def history(user, *, limit: int = 50):
    return PointsEntry.objects.filter(user=user)[:limit]


def leaderboard(*, since: datetime | None = None, prefix: str = "", limit: int = 20) -> list[LeaderboardRow]:
    """People by points earned in a period (all time when `since` is None), highest first."""
    entries = PointsEntry.objects.all()
    if since is not None:
        entries = entries.filter(created_at__gte=since)
    if prefix:
        entries = entries.filter(source__startswith=prefix)
    rows = list(
        entries.values("user").annotate(total=Sum("points")).filter(total__gt=0).order_by("-total", "user")[:limit]
    )
    people = get_user_model().objects.in_bulk([row["user"] for row in rows])
    return [LeaderboardRow(user=people[row["user"]], points=row["total"]) for row in rows if row["user"] in people]


def totals(user_ids, *, prefix: str = "") -> dict[int, int]:
    """Points per person for many people in one query (reputation beside every post)."""
    entries = PointsEntry.objects.filter(user_id__in=set(user_ids))
    if prefix:
        entries = entries.filter(source__startswith=prefix)
    return {row["user"]: row["total"] for row in entries.values("user").annotate(total=Sum("points"))}
