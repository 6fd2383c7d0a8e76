"""The segment report: group and segment sizes month by month, moves between groups, and what
offers and campaigns changed (renewals within 30 days, shown against held out)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .models import Campaign, CustomerScore, Delivery, Exposure, GroupChange, RFMGroup, Segment, SegmentChange

RENEWAL_WINDOW = timedelta(days=30)


def month_starts(months: int, *, now: datetime | None = None) -> list[date]:
    """The first days of the last `months` months, oldest first, this month included."""
    today = timezone.localdate(now or timezone.now())
    year, month = today.year, today.month
    starts = []
    for _ in range(months):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def _month(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def group_sizes(months: int = 6, *, now=None) -> tuple[list[date], list[dict]]:
    """Each RFM group's size at the end of each of the last `months` months (the last: now),
    worked back from today's sizes and the moves recorded since."""
    starts = month_starts(months, now=now)
    groups = list(RFMGroup.objects.order_by("order", "pk"))
    now_sizes = dict(CustomerScore.objects.values_list("group_id").annotate(n=Count("pk")).values_list("group_id", "n"))
    moves = (
        GroupChange.objects.filter(at__gte=timezone.make_aware(datetime.combine(starts[0], datetime.min.time())))
        .annotate(month=TruncMonth("at"))
        .values("month", "from_group_id", "to_group_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    net = defaultdict(int)  # (month, group) → people gained that month
    for row in moves:
        month = _month(row["month"])
        if row["to_group_id"]:
            net[(month, row["to_group_id"])] += row["n"]
        if row["from_group_id"]:
            net[(month, row["from_group_id"])] -= row["n"]
    rows = []
    for group in groups:
        size, sizes = now_sizes.get(group.pk, 0), []
        for start in reversed(starts):
            sizes.append(size)
            size -= net.get((start, group.pk), 0)  # the size before this month's moves
        rows.append({"group": group, "sizes": sizes[::-1]})
    return starts, rows


def moves(month: date) -> list[dict]:
    """Moves between RFM groups in one month: from, to, how many; biggest first."""
    start = timezone.make_aware(datetime.combine(month, datetime.min.time()))
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    end = timezone.make_aware(datetime.combine(following, datetime.min.time()))
    return list(
        GroupChange.objects.filter(at__gte=start, at__lt=end)
        .values("from_group__name", "to_group__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "from_group__name", "to_group__name")[:30]
    )


def segment_sizes(months: int = 6, *, now=None) -> tuple[list[date], list[dict]]:
    starts = month_starts(months, now=now)
    since = timezone.make_aware(datetime.combine(starts[0], datetime.min.time()))
    changes = (
        SegmentChange.objects.filter(at__gte=since)
        .annotate(month=TruncMonth("at"))
        .values("month", "segment_id")
        .annotate(came=Count("pk", filter=Q(joined=True)), went=Count("pk", filter=Q(joined=False)))
        .order_by()
    )
    net = {(_month(r["month"]), r["segment_id"]): r["came"] - r["went"] for r in changes}
    rows = []
    for segment in Segment.objects.order_by("name"):
        size, sizes = segment.size, []
        for start in reversed(starts):
            sizes.append(size)
            size -= net.get((start, segment.pk), 0)
        rows.append({"segment": segment, "sizes": sizes[::-1]})
    return starts, rows


def _renewed_within(moment_field: str):
    """A paid renewal by the person within RENEWAL_WINDOW of `moment_field` (of the outer row)."""
    from portal.membership.choices import OrderKind, OrderStatus
    from portal.membership.models import Order

    return Exists(
        Order.objects.filter(
            buyer=OuterRef("person"),
            kind=OrderKind.RENEW,
            status=OrderStatus.PAID,
            paid_at__gte=OuterRef(moment_field),
            paid_at__lt=OuterRef(moment_field) + RENEWAL_WINDOW,
        )
    )


@dataclass
class Arm:
    people: int = 0
    redeemed: int = 0
    renewed: int = 0

    @property
    def renewal_rate(self) -> float | None:
        return round(100 * self.renewed / self.people, 1) if self.people else None

    @property
    def redemption_rate(self) -> float | None:
        return round(100 * self.redeemed / self.people, 1) if self.people else None


@dataclass
class Result:
    name: str
    segment: str
    shown: Arm
    held: Arm

    @property
    def lift(self) -> float | None:
        """Renewal rate of the shown minus that of the held out, in points."""
        if self.shown.renewal_rate is None or self.held.renewal_rate is None:
            return None
        return round(self.shown.renewal_rate - self.held.renewal_rate, 1)


def offer_results() -> list[Result]:
    keys = ("offer_id", "offer__title", "segment", "holdout")
    rows = (
        Exposure.objects.values(*keys)
        .annotate(people=Count("pk"), redeemed=Count("pk", filter=Q(redemption__isnull=False)))
        .order_by("-offer_id", "segment", "holdout")
    )
    # The renewals are counted apart: a correlated subquery inside an aggregate is beyond SQLite.
    renewed = Exposure.objects.filter(_renewed_within("first_at")).values(*keys).annotate(n=Count("pk")).order_by()
    return _results(rows, "offer__title", {tuple(r[k] for k in keys): r["n"] for r in renewed}, keys)


def campaign_results() -> list[Result]:
    keys = ("campaign_id", "campaign__name", "holdout")
    rows = Delivery.objects.values(*keys).annotate(people=Count("pk")).order_by("-campaign_id", "holdout")
    renewed = Delivery.objects.filter(_renewed_within("at")).values(*keys).annotate(n=Count("pk")).order_by()
    return _results(rows, "campaign__name", {tuple(r[k] for k in keys): r["n"] for r in renewed}, keys)


def _results(rows, name_field: str, renewed: dict, keys: tuple) -> list[Result]:
    found: dict[tuple, Result] = {}
    for row in rows:
        row["renewals"] = renewed.get(tuple(row[k] for k in keys), 0)
        key = (row[name_field], row.get("segment", ""))
        result = found.setdefault(
            key, Result(name=row[name_field], segment=row.get("segment", ""), shown=Arm(), held=Arm())
        )
        arm = result.held if row["holdout"] else result.shown
        arm.people, arm.redeemed, arm.renewed = row["people"], row.get("redeemed", 0), row["renewals"]
    return list(found.values())


def campaigns_sent() -> int:
    return Campaign.objects.filter(status=Campaign.Status.SENT).count()
