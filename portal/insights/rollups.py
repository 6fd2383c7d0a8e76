"""Monthly rollups: the figures of long periods read from a few hundred rows instead of a million.

A year of requests is too many rows to count and sort on every look at the dashboard, so each
whole month (in the portal's time zone) is summed once into `RollupCounts` (how many were filed,
solved, met their targets, rated…, per queue and agent) and `RollupHistogram` (how long replies and
resolutions took, as counts per logarithmic bucket). A period longer than `ROLLED_AFTER_DAYS`
reads its whole months from them and its partial months at either end from the facts, the same
way. Counts are exact; medians and 90th percentiles are estimates within `ACCURACY` (1 %) of the
true value, because a bucket holds every duration within 1 % of its middle.

A month is summed when a long period first needs it (or by `manage.py insights_rollup`, daily), and
summed again when a request measured in it changes later (`services.refresh_facts` marks it stale):
a late reply to an old request moves its month's figures.

The slices the rollups keep are the queue and the agent (the assignee for requests, the author
for replies: the same meaning as `metrics.DIMENSIONS`); a period sliced by anything else is read
from the facts, exactly.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta
from functools import wraps
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, Ceil, Ln
from django.utils import timezone

from .models import RolledMonth, RollupCounts, RollupHistogram, SLAOutcome

#: Periods longer than this (days) read whole months from the rollups.
ROLLED_AFTER_DAYS = 180
#: Relative accuracy of a median or percentile read from the rollups.
ACCURACY = 0.01
GAMMA = (1 + ACCURACY) / (1 - ACCURACY)
LOG_GAMMA = math.log(GAMMA)
#: The slices a rollup keeps.
ROLLED_SLICES = {"queue", "agent"}
#: What a RollupCounts row counts.
COUNTS = [
    "created",
    "solved",
    "reopened_solved",
    "first_contact",
    "resolution_met",
    "resolution_missed",
    "rated",
    "good",
    "asked",
    "answered",
    "first_replies",
    "first_met",
    "first_missed",
    "next_replies",
    "next_met",
    "next_missed",
]

#: Histogram measure → (reply kind or None for the resolution, facts column).
MEASURES = {
    "first": ("first", "seconds"),
    "first_business": ("first", "business_seconds"),
    "next": ("next", "seconds"),
    "next_business": ("next", "business_seconds"),
    "resolution": (None, "resolution_seconds"),
    "resolution_business": (None, "resolution_business_seconds"),
}
#: Group name → (RequestFacts column, ReplyFacts column, rollup column).
GROUPS = {
    "queue": ("queue_id", "queue_id", "queue_id"),
    "agent": ("assignee_id", "agent_id", "agent_id"),
}


# --- Buckets --------------------------------------------------------------------------------


def bucket(seconds: int) -> int:
    """The bucket of a duration: 0 for none, else 1 + ⌈log_γ seconds⌉."""
    return 0 if seconds < 1 else 1 + math.ceil(math.log(seconds) / LOG_GAMMA)


def bucket_expression(column: str):
    """`bucket()` as SQL (PostgreSQL and SQLite both have ln and ceiling)."""
    return Case(
        When(**{f"{column}__lt": 1}, then=Value(0)),
        default=Cast(Ceil(Ln(F(column)) / Value(LOG_GAMMA)), IntegerField()) + 1,
        output_field=IntegerField(),
    )


def middle(index: int) -> float:
    """The value a bucket stands for: within ACCURACY of every duration in it."""
    return 0.0 if index == 0 else 2 * GAMMA ** (index - 1) / (GAMMA + 1)


def estimate(histogram: dict[int, int], fraction: float) -> float | None:
    """The `fraction` percentile of the durations counted in `histogram`, interpolated between
    closest ranks as metrics.percentile (and PostgreSQL's percentile_cont) do."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = fraction * (total - 1)
    wanted = {math.floor(rank), math.ceil(rank)}
    found: dict[int, float] = {}
    seen = 0
    for index in sorted(histogram):
        count = histogram[index]
        for position in wanted - set(found):
            if seen <= position < seen + count:
                found[position] = middle(index)
        seen += count
        if len(found) == len(wanted):
            break
    low, high = found[math.floor(rank)], found[math.ceil(rank)]
    return low + (high - low) * (rank - math.floor(rank))


# --- Months ---------------------------------------------------------------------------------


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def month_of(moment: datetime) -> date:
    return timezone.localtime(moment, _zone()).date().replace(day=1)


def _next_month(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


def _bounds(first_day: date, after_last_day: date) -> tuple[datetime, datetime]:
    zone = _zone()
    return datetime.combine(first_day, time(), zone), datetime.combine(after_last_day, time(), zone)


def applies(period, scope) -> bool:
    """Whether a period is read through the rollups."""
    return (
        period.days > ROLLED_AFTER_DAYS
        and period.time_zone == settings.TIME_ZONE
        and all(name in ROLLED_SLICES for name, _value in scope.filters)
    )


def split(period) -> tuple[list[date], list[tuple[date, date, date]]]:
    """The period's whole months before the current one, and its other stretches as
    (month, first day, day after the last) read from the facts."""
    current = timezone.localdate(timezone.now(), _zone()).replace(day=1)
    whole, partial = [], []
    month = period.first_day.replace(day=1)
    while month <= period.last_day:
        following = _next_month(month)
        first, after = max(month, period.first_day), min(following, period.last_day + timedelta(days=1))
        if first == month and after == following and month < current:
            whole.append(month)
        else:
            partial.append((month, first, after))
        month = following
    return whole, partial


# --- Summing from the facts -----------------------------------------------------------------


def _within(column: str, start: datetime, end: datetime) -> Q:
    return Q(**{f"{column}__gte": start, f"{column}__lt": end})


def _request_counts(requests: QuerySet, start: datetime, end: datetime, keys: list[str]) -> list[dict]:
    created, solved = _within("created_at", start, end), _within("resolved_at", start, end)
    rated, asked = _within("rated_at", start, end), _within("survey_asked_at", start, end)
    return _grouped(
        requests.filter(created | solved | rated | asked),
        keys,
        {
            "created": Count("pk", filter=created),
            "solved": Count("pk", filter=solved),
            "reopened_solved": Count("pk", filter=solved & Q(reopens__gt=0)),
            "first_contact": Count("pk", filter=solved & Q(agent_replies=1, reopens=0)),
            "resolution_met": Count("pk", filter=solved & Q(resolution_sla=SLAOutcome.MET)),
            "resolution_missed": Count("pk", filter=solved & Q(resolution_sla=SLAOutcome.MISSED)),
            "rated": Count("pk", filter=rated),
            "good": Count("pk", filter=rated & Q(rating="good")),
            "asked": Count("pk", filter=asked),
            "answered": Count("pk", filter=asked & Q(rated_at__isnull=False)),
        },
    )


def _reply_counts(replies: QuerySet, start: datetime, end: datetime, keys: list[str]) -> list[dict]:
    aggregates = {}
    for kind in ("first", "next"):
        aggregates[f"{kind}_replies"] = Count("pk", filter=Q(kind=kind))
        aggregates[f"{kind}_met"] = Count("pk", filter=Q(kind=kind, sla=SLAOutcome.MET))
        aggregates[f"{kind}_missed"] = Count("pk", filter=Q(kind=kind, sla=SLAOutcome.MISSED))
    return _grouped(replies.filter(_within("replied_at", start, end)), keys, aggregates)


def _grouped(queryset: QuerySet, keys: list[str], aggregates: dict) -> list[dict]:
    """The aggregates per group of `keys`, or once over everything when there are no keys."""
    if not keys:
        return [queryset.aggregate(**aggregates)]
    return list(queryset.values(*keys).annotate(**aggregates).order_by())


def _histogram_rows(requests, replies, start, end, request_keys, reply_keys, measures):
    """(measure, {key: value}, bucket, n) for each measure, summed from the facts."""
    for measure in measures:
        kind, column = MEASURES[measure]
        if kind is None:
            solved = _within("resolved_at", start, end) & Q(**{f"{column}__isnull": False})
            rows, keys = requests.filter(solved), request_keys
        else:
            rows, keys = replies.filter(_within("replied_at", start, end), kind=kind), reply_keys
        grouped = rows.annotate(b=bucket_expression(column)).values(*keys, "b").annotate(n=Count("pk")).order_by()
        for row in grouped:
            yield measure, row, row["b"], row["n"]


@transaction.atomic
def roll_up(month: date) -> None:
    """Sum one whole month from the facts into the rollup tables, replacing what was there."""
    from .metrics import Scope

    marker, _created = RolledMonth.objects.select_for_update().get_or_create(month=month)
    marker.stale = False
    marker.save()
    RollupCounts.objects.filter(month=month).delete()
    RollupHistogram.objects.filter(month=month).delete()
    start, end = _bounds(month, _next_month(month))
    scope = Scope()
    rows: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for row in _request_counts(scope.requests(), start, end, ["queue_id", "assignee_id"]):
        rows[row.pop("queue_id"), row.pop("assignee_id")].update(row)
    for row in _reply_counts(scope.replies(), start, end, ["queue_id", "agent_id"]):
        rows[row.pop("queue_id"), row.pop("agent_id")].update(row)
    RollupCounts.objects.bulk_create(
        RollupCounts(month=month, queue_id=queue, agent_id=agent, **counts) for (queue, agent), counts in rows.items()
    )
    histogram = _histogram_rows(
        scope.requests(), scope.replies(), start, end, ["queue_id", "assignee_id"], ["queue_id", "agent_id"], MEASURES
    )
    RollupHistogram.objects.bulk_create(
        (
            RollupHistogram(
                month=month,
                queue_id=row["queue_id"],
                agent_id=row.get("assignee_id", row.get("agent_id")),
                measure=measure,
                bucket=index,
                n=n,
            )
            for measure, row, index, n in histogram
        ),
        batch_size=2000,
    )


def roll_up_missing(months: list[date] | None = None) -> int:
    """Sum the months (all whole months with facts when not given) never summed or stale since."""
    from .models import RequestFacts

    if months is None:
        first = RequestFacts.objects.order_by("created_at").values_list("created_at", flat=True).first()
        if first is None:
            return 0
        current = timezone.localdate(timezone.now(), _zone()).replace(day=1)
        months, month = [], month_of(first)
        while month < current:
            months.append(month)
            month = _next_month(month)
    fresh = set(RolledMonth.objects.filter(month__in=months, stale=False).values_list("month", flat=True))
    missing = [month for month in months if month not in fresh]
    for month in missing:
        roll_up(month)
    return len(missing)


def mark_stale(moments) -> None:
    """A request measured at these moments changed: the months they fall in, if already summed and
    past, are summed again before they are read next."""
    current = timezone.localdate(timezone.now(), _zone()).replace(day=1)
    months = {month_of(moment) for moment in moments if moment is not None} - {current}
    months = {month for month in months if month < current}
    if months:
        RolledMonth.objects.filter(month__in=months, stale=False).update(stale=True)


def mark_stale_since(moment: datetime) -> None:
    """A request filed at `moment` is gone: every month since may have counted it."""
    current = timezone.localdate(timezone.now(), _zone()).replace(day=1)
    RolledMonth.objects.filter(month__gte=month_of(moment), month__lt=current, stale=False).update(stale=True)


# --- Reading ---------------------------------------------------------------------------------

_memo: ContextVar[dict | None] = ContextVar("insights_rollup_memo", default=None)


@contextmanager
def reading():
    """Within this block the same sums are read once (one dashboard page asks for them several times)."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def reading_once(view):
    """A view whose page reads each sum once (see `reading`)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        with reading():
            return view(*args, **kwargs)

    return wrapped


def _remembered(key, compute):
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _rolled(queryset: QuerySet, scope) -> QuerySet:
    if scope.queues is not None:
        queryset = queryset.filter(queue_id__in=scope.queues)
    for name, value in scope.filters:
        queryset = queryset.filter(**{GROUPS[name][2]: value})
    return queryset


def counts(period, scope, by: str | None = None) -> dict:
    """{group: {count name: n}} over the period; group is None, a month (by="month"), a queue or an
    agent id."""

    def compute():
        whole, partial = split(period)
        roll_up_missing(whole)
        totals: dict = defaultdict(lambda: dict.fromkeys(COUNTS, 0))

        def add(group, row):
            target = totals[group]
            for name in COUNTS:
                target[name] += row.get(name) or 0

        rolled = _rolled(RollupCounts.objects.filter(month__in=whole), scope)
        if by is None:
            add(None, rolled.aggregate(**{name: Sum(name) for name in COUNTS}))
        else:
            key = "month" if by == "month" else GROUPS[by][2]
            for row in rolled.values(key).annotate(**{name: Sum(name) for name in COUNTS}).order_by():
                add(row[key], row)
        for month, first, after in partial:
            start, end = _bounds(first, after)
            request_keys = [] if by in (None, "month") else [GROUPS[by][0]]
            reply_keys = [] if by in (None, "month") else [GROUPS[by][1]]
            for rows, keys in (
                (_request_counts(scope.requests(), start, end, request_keys), request_keys),
                (_reply_counts(scope.replies(), start, end, reply_keys), reply_keys),
            ):
                for row in rows:
                    group = month if by == "month" else row[keys[0]] if keys else None
                    add(group, row)
        return dict(totals)

    return _remembered(("counts", period, scope, by), compute)


def histograms(period, scope, measure: str, by: str | None = None) -> dict:
    """{group: {bucket: n}} of one measure over the period, grouped as `counts` groups."""

    def compute():
        whole, partial = split(period)
        roll_up_missing(whole)
        result: dict = defaultdict(Counter)
        rolled = _rolled(RollupHistogram.objects.filter(month__in=whole, measure=measure), scope)
        key = None if by is None else "month" if by == "month" else GROUPS[by][2]
        keys = [key] if key else []
        for row in rolled.values(*keys, "bucket").annotate(n=Sum("n")).order_by():
            result[row[key] if key else None][row["bucket"]] += row["n"]
        for month, first, after in partial:
            start, end = _bounds(first, after)
            request_keys = [] if by in (None, "month") else [GROUPS[by][0]]
            reply_keys = [] if by in (None, "month") else [GROUPS[by][1]]
            for _measure, row, index, n in _histogram_rows(
                scope.requests(), scope.replies(), start, end, request_keys, reply_keys, [measure]
            ):
                own = request_keys if MEASURES[measure][0] is None else reply_keys
                group = month if by == "month" else row[own[0]] if own else None
                result[group][index] += n
        return dict(result)

    return _remembered(("histograms", period, scope, measure, by), compute)


def percentiles(period, scope, measure: str, by: str | None = None) -> dict:
    """{group: (median, p90)} of one measure."""
    return {
        group: (estimate(histogram, 0.5), estimate(histogram, 0.9))
        for group, histogram in histograms(period, scope, measure, by).items()
    }
