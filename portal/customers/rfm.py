"""RFM scoring: recency, frequency and money of each consenting customer, scored 1–5 by fifths.

Who is scored: active people who allow profiling (the consent ledger) and have at least one paid
order. For each of them:

- recency: when they last paid (the newer, the better);
- frequency: paid orders in the last N months (SegmentSettings.months);
- monetary: the amount of those orders (in SegmentSettings.currency when it is set).

A score is the fifth of the scored people a value falls in, counting the people strictly below it:
score = 1 + ⌊5 × below ÷ n⌋. People with equal values get equal scores (ties are never split), so
when most people have one order they all score 1 on frequency and the next value starts higher.
Engagement, the second axis, counts activity in the last `engagement_days` (community posts,
requests filed, article feedback, suggestions opened): 0 without any, otherwise 1–5 by the same
rule among the active.

Memory stays bounded: the orders are aggregated in SQL and read as a stream into flat arrays
(four numbers a person), and the stored scores are compared by merging two streams ordered by
person, so only changed rows are written.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, DecimalField, Max, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import CustomerScore, GroupChange, RFMGroup, SegmentSettings

BATCH = 2000
WRITTEN = [
    "last_paid_at",
    "frequency",
    "monetary",
    "recency_score",
    "frequency_score",
    "monetary_score",
    "activity",
    "engagement_score",
    "group",
    "scored_at",
]


@dataclass
class Result:
    scored: int = 0  # people with scores now
    changed: int = 0  # scores written (new or different)
    removed: int = 0  # people no longer scored (no consent, inactive)
    moved: int = 0  # group moves recorded


def fifth(ordered, value) -> int:
    """1–5: the fifth of `ordered` (ascending) that `value` falls in, by the people strictly below."""
    below = bisect_left(ordered, value)
    return 1 + (5 * below) // len(ordered)


def months_before(moment: datetime, months: int) -> datetime:
    year, month = divmod(moment.month - 1 - months, 12)
    year, month = moment.year + year, month + 1
    day = moment.day
    while True:
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1


def group_for(groups: list[RFMGroup], recency: int, frequency: int, monetary: int) -> RFMGroup | None:
    for group in groups:
        if group.holds(recency, frequency, monetary):
            return group
    return None


def scored_people():
    """Active people who allow profiling now."""
    from portal.privacy.consent import PROFILING, consenting

    return consenting(get_user_model().objects.filter(is_active=True), PROFILING)


def _totals(now: datetime, options: SegmentSettings):
    from portal.membership.choices import OrderStatus
    from portal.membership.models import Order

    since = months_before(now, options.months)
    counted = Q(paid_at__gte=since)
    money = counted & Q(currency=options.currency) if options.currency else counted
    return (
        Order.objects.filter(
            status=OrderStatus.PAID, paid_at__isnull=False, paid_at__lte=now, buyer__in=scored_people().values("pk")
        )
        .values("buyer_id")
        .annotate(
            last=Max("paid_at"),
            frequency=Count("pk", filter=counted),
            monetary=Coalesce(Sum("amount", filter=money), Value(Decimal("0")), output_field=DecimalField()),
        )
        .order_by("buyer_id")
    )


def activity(now: datetime, days: int) -> dict[int, int]:
    """person id → things they did in the last `days` days (only people who did something)."""
    from community.choices import PostState
    from community.models import Post
    from knowledge_base.models import ArticleFeedback
    from portal.search.models import SuggestionOpened
    from tickets.models import Ticket

    since = now - timedelta(days=days)
    counts: dict[int, int] = {}
    sources = [
        (Post.objects.filter(created_at__gte=since, state=PostState.PUBLISHED), "author_id"),
        (Ticket.objects.filter(created_at__gte=since), "requester_id"),
        (ArticleFeedback.objects.filter(created_at__gte=since, user__isnull=False), "user_id"),
        (SuggestionOpened.objects.filter(opened_at__gte=since, user__isnull=False), "user_id"),
    ]
    for rows, field in sources:
        grouped = rows.values(field).annotate(n=Count("pk")).values_list(field, "n").order_by()
        for person, number in grouped.iterator(chunk_size=BATCH):
            counts[person] = counts.get(person, 0) + number
    return counts


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def _micro(moment: datetime) -> int:
    return (moment - EPOCH) // MICROSECOND


def _cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def _stored() -> Iterator[tuple]:
    for row in (
        CustomerScore.objects.order_by("person_id")
        .values_list(
            "person_id",
            "last_paid_at",
            "frequency",
            "monetary",
            "recency_score",
            "frequency_score",
            "monetary_score",
            "activity",
            "engagement_score",
            "group_id",
        )
        .iterator(chunk_size=BATCH)
    ):
        yield (row[0], _micro(row[1]), row[2], _cents(row[3]), *row[4:])


class _Writer:
    """Collects changed scores and group moves; writes them a batch at a time."""

    def __init__(self, now: datetime, result: Result):
        self.now, self.result = now, result
        self.scores: list[CustomerScore] = []
        self.changes: list[GroupChange] = []
        self.gone: list[int] = []

    def move(self, person: int, before: int | None, after: int | None) -> None:
        self.changes.append(GroupChange(person_id=person, from_group_id=before, to_group_id=after, at=self.now))
        self.result.moved += 1

    def remove(self, stored: tuple) -> None:
        self.gone.append(stored[0])
        self.result.removed += 1
        self.move(stored[0], stored[9], None)
        self.flush(BATCH)

    def write(self, score: CustomerScore) -> None:
        self.scores.append(score)
        self.result.changed += 1
        self.flush(BATCH)

    def flush(self, at_least: int = 0) -> None:
        if max(len(self.scores), len(self.gone), len(self.changes)) < max(at_least, 1):
            return
        with transaction.atomic():
            if self.scores:
                CustomerScore.objects.bulk_create(
                    self.scores, update_conflicts=True, unique_fields=["person"], update_fields=WRITTEN
                )
            if self.gone:
                CustomerScore.objects.filter(person_id__in=self.gone).delete()
            if self.changes:
                GroupChange.objects.bulk_create(self.changes)
        self.scores, self.changes, self.gone = [], [], []


def score_all(*, now: datetime | None = None) -> Result:
    """Score every consenting customer again; write only what changed. Safe to run twice."""
    now = now or timezone.now()
    options = SegmentSettings.load()
    groups = list(RFMGroup.objects.order_by("order", "pk"))
    people, last, frequency, money = array("q"), array("q"), array("q"), array("q")
    for row in _totals(now, options).iterator(chunk_size=BATCH):
        people.append(row["buyer_id"])
        last.append(_micro(row["last"]))
        frequency.append(row["frequency"])
        money.append(_cents(row["monetary"]))
    done = activity(now, options.engagement_days)
    engaged = sorted(done[pk] for pk in people if pk in done)
    by_last, by_frequency, by_money = sorted(last), sorted(frequency), sorted(money)
    result = Result(scored=len(people))
    writer = _Writer(now, result)

    stored = _stored()
    current = next(stored, None)
    for index, pk in enumerate(people):
        while current is not None and current[0] < pk:
            writer.remove(current)
            current = next(stored, None)
        before = None
        if current is not None and current[0] == pk:
            before, current = current, next(stored, None)
        r = fifth(by_last, last[index])
        f = fifth(by_frequency, frequency[index])
        m = fifth(by_money, money[index])
        did = done.get(pk, 0)
        e = fifth(engaged, did) if did else 0
        group = group_for(groups, r, f, m)
        group_id = group.pk if group else None
        after = (pk, last[index], frequency[index], money[index], r, f, m, did, e, group_id)
        if before == after:
            continue
        writer.write(
            CustomerScore(
                person_id=pk,
                last_paid_at=EPOCH + last[index] * MICROSECOND,
                frequency=frequency[index],
                monetary=Decimal(money[index]) / 100,
                recency_score=r,
                frequency_score=f,
                monetary_score=m,
                activity=did,
                engagement_score=e,
                group_id=group_id,
                scored_at=now,
            )
        )
        before_group = before[9] if before is not None else None
        if before is None or before_group != group_id:
            writer.move(pk, before_group, group_id)
    while current is not None:
        writer.remove(current)
        current = next(stored, None)
    writer.flush()
    return result


@transaction.atomic
def forget(person) -> bool:
    """Take `person` out of scoring now (their profiling consent was withdrawn)."""
    score = CustomerScore.objects.select_for_update().filter(person=person).first()
    if score is None:
        return False
    GroupChange.objects.create(person=person, from_group_id=score.group_id, to_group=None)
    score.delete()
    return True
