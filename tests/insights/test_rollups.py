"""Monthly rollups: a long period reads the same figures from them as from the facts.

Requests are filed over the eight months before this one, in two queues, answered by two agents,
some solved, rated, reopened. Every figure of a year is then read twice: through the rollups and
straight from the facts (with the rollups' threshold raised beyond the period). Counts must be
equal; medians and 90th percentiles within the rollups' 1 %.
"""

import math
import random
from datetime import date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from portal.insights import metrics, rollups
from portal.insights.metrics import Period, Scope
from portal.insights.models import ReplyFacts, RolledMonth, RollupCounts, RollupHistogram
from portal.insights.services import rebuild_facts
from tests.factories import UserFactory
from tickets import services
from tickets.choices import Impact
from tickets.models import Queue, Rating, RequestType, SatisfactionSurvey

pytestmark = pytest.mark.django_db
BELGRADE = ZoneInfo("Europe/Belgrade")


def year() -> Period:
    today = timezone.localdate()
    return Period(today - timedelta(days=364), today)


def months_ago(months: int, day: int, hour: int) -> datetime:
    first = timezone.localdate().replace(day=1)
    for _ in range(months):
        first = (first - timedelta(days=1)).replace(day=1)
    return datetime.combine(first.replace(day=day), time(hour), BELGRADE)


@pytest.fixture
def history(policy, request_type, agent, second_agent):
    """Twenty-four requests over eight past months (and two this month) in two queues."""
    customer = UserFactory(role="customer")
    billing = Queue.objects.create(name="Billing", slug="billing")
    billing.agents.add(second_agent)
    invoice = RequestType.objects.create(name="Invoice", queue=billing)
    chance = random.Random(7)
    made = []
    for n in range(26):
        months = 8 - n // 3 if n < 24 else 0
        filed = months_ago(months, 3 + n % 3 * 7, 9 + n % 5)
        if months == 0:
            filed = min(filed, timezone.now() - timedelta(hours=6))
        in_billing = n % 4 == 0
        ticket = services.open_ticket(
            requester=customer,
            request_type=invoice if in_billing else request_type,
            subject=f"Request {n}",
            description="…",
            impact=Impact.MINOR,
            fields={} if in_billing else {"version": "2"},
            now=filed,
        )
        who = second_agent if in_billing else agent
        if n % 7 == 6:
            made.append(ticket)  # never answered
            continue
        replied = filed + timedelta(minutes=chance.randint(20, 3000))
        services.add_agent_reply(ticket=ticket, agent=who, body="Try this.", now=replied)
        if n % 3 == 0:
            services.add_customer_reply(ticket=ticket, author=customer, body="No.", now=replied + timedelta(hours=2))
            services.add_agent_reply(ticket=ticket, agent=who, body="Now?", now=replied + timedelta(hours=5))
        if n % 5 != 4:
            solved = replied + timedelta(hours=chance.randint(6, 60))
            if solved < timezone.now():
                services.mark_solved(ticket=ticket, actor=who, now=solved)
                if n % 2 == 0:
                    SatisfactionSurvey.objects.update_or_create(
                        ticket=ticket,
                        defaults={
                            "customer": customer,
                            "asked_at": solved,
                            "rating": Rating.BAD if n % 6 == 0 else Rating.GOOD,
                            "reason": "It took too long" if n % 6 == 0 else "",
                            "answered_at": solved + timedelta(hours=1),
                        },
                    )
                if n % 8 == 1:
                    services.reopen(ticket=ticket, actor=customer, now=solved + timedelta(hours=3))
        made.append(ticket)
    rebuild_facts()
    return {"requests": made, "billing": billing, "agent": agent, "second_agent": second_agent}


def exactly(monkeypatch, read):
    """What `read()` gives straight from the facts."""
    with monkeypatch.context() as patched:
        patched.setattr(rollups, "ROLLED_AFTER_DAYS", 10_000)
        return read()


def close(rolled, exact):
    """Counts equal; durations within the rollups' accuracy."""
    if isinstance(exact, dict):
        assert set(rolled) == set(exact)
        for key in exact:
            close(rolled[key], exact[key])
    elif isinstance(exact, list):
        assert len(rolled) == len(exact)
        for one, other in zip(rolled, exact, strict=True):
            close(one, other)
    elif isinstance(exact, float) and not isinstance(exact, bool):
        assert rolled == pytest.approx(exact, rel=rollups.ACCURACY * 1.01, abs=1)
    else:
        assert rolled == exact


def test_a_bucket_holds_durations_within_one_percent_of_its_middle():
    for seconds in [1, 2, 59, 60, 61, 3599, 3600, 86_399, 86_400, 31_536_000, 94_608_000]:
        assert abs(rollups.middle(rollups.bucket(seconds)) - seconds) <= rollups.ACCURACY * seconds
    assert rollups.bucket(0) == 0 and rollups.middle(0) == 0


def test_the_database_puts_each_duration_in_the_same_bucket_as_python(history):
    replies = ReplyFacts.objects.annotate(b=rollups.bucket_expression("business_seconds"))
    pairs = list(replies.values_list("business_seconds", "b"))
    assert pairs and all(rollups.bucket(seconds) == index for seconds, index in pairs)


def test_an_estimate_is_within_one_percent_of_the_exact_percentile():
    chance = random.Random(3)
    for _ in range(50):
        values = [chance.randint(0, 400_000) for _ in range(chance.randint(1, 60))]
        histogram = {}
        for value in values:
            histogram[rollups.bucket(value)] = histogram.get(rollups.bucket(value), 0) + 1
        for fraction in (0.5, 0.9):
            exact = metrics.percentile(values, fraction)
            assert math.isclose(rollups.estimate(histogram, fraction), exact, rel_tol=0.0101, abs_tol=1)
    assert rollups.estimate({}, 0.5) is None


def test_a_year_reads_the_same_figures_from_the_rollups_as_from_the_facts(history, monkeypatch):
    period = year()
    assert rollups.applies(period, Scope())
    queue = history["billing"].pk
    scopes = [Scope(), Scope.of(queue=queue), Scope.of(agent=history["agent"].pk), Scope(queues=(queue,))]
    for scope in scopes:
        for read in (
            partial(metrics.volume, period, scope),
            partial(metrics.reply_times, period, "first", scope),
            partial(metrics.reply_times, period, "next", scope),
            partial(metrics.resolution, period, scope),
            partial(metrics.sla_attainment, period, scope),
            partial(metrics.csat, period, scope),
            partial(metrics.series, period, "month", scope),
            partial(metrics.table, period, "queue", scope),
            partial(metrics.table, period, "agent", scope),
        ):
            close(read(), exactly(monkeypatch, read))
    figures = metrics.volume(period)
    assert figures["created"] == 26 and figures["solved"] > 10
    assert RolledMonth.objects.filter(stale=False).count() >= 8
    assert RollupCounts.objects.exists() and RollupHistogram.objects.exists()


def test_a_sliced_or_short_period_is_read_from_the_facts(history):
    period = year()
    assert not rollups.applies(period, Scope.of(product="Router"))
    assert not rollups.applies(Period(period.last_day - timedelta(days=89), period.last_day), Scope())
    assert not rollups.applies(Period(period.first_day, period.last_day, "UTC"), Scope())


def test_a_late_change_to_an_old_request_moves_its_month(history, agent, monkeypatch):
    period = year()
    before = metrics.reply_times(period, "next")
    old = history["requests"][1]  # filed eight months ago, answered once
    month = rollups.month_of(old.created_at)
    assert RolledMonth.objects.get(month=month).stale is False
    later = old.created_at + timedelta(days=4)
    services.add_customer_reply(ticket=old, author=old.requester, body="And now?", now=later)
    services.add_agent_reply(ticket=old, agent=agent, body="Fixed.", now=later + timedelta(hours=1))
    # The change refreshed the facts on commit; rebuilding them shows the same thing here.
    rebuild_facts()
    assert RolledMonth.objects.get(month=month).stale is True
    after = metrics.reply_times(period, "next")
    assert after["count"] == before["count"] + 1
    assert RolledMonth.objects.get(month=month).stale is False
    close(after, exactly(monkeypatch, lambda: metrics.reply_times(period, "next")))


def test_a_deleted_request_leaves_every_month_since(history, monkeypatch):
    period = year()
    metrics.volume(period)
    old = history["requests"][0]
    old.delete()
    assert RolledMonth.objects.filter(stale=True, month__gte=rollups.month_of(old.created_at)).exists()
    close(metrics.volume(period), exactly(monkeypatch, lambda: metrics.volume(period)))


def test_summing_a_month_twice_gives_the_same_rows(history):
    call_command("insights_rollup")
    month = rollups.month_of(history["requests"][0].created_at)
    rows = sorted(RollupCounts.objects.filter(month=month).values_list("queue_id", "agent_id", "created", "solved"))
    buckets = RollupHistogram.objects.filter(month=month).count()
    rollups.roll_up(month)
    again = sorted(RollupCounts.objects.filter(month=month).values_list("queue_id", "agent_id", "created", "solved"))
    assert rows == again and RollupHistogram.objects.filter(month=month).count() == buckets
    assert not RolledMonth.objects.filter(month=timezone.localdate().replace(day=1)).exists()  # this month is live


def test_the_year_overview_is_read_from_the_rollups_in_a_fixed_number_of_queries(
    client, history, django_assert_max_num_queries, request_type
):
    client.force_login(UserFactory(role="admin"))
    url = reverse("insights_overview") + "?days=365"
    client.get(url)  # sums the months once
    with django_assert_max_num_queries(150) as first:
        page = client.get(url)
    asked = len(first.captured_queries)  # read now: the next request clears Django's query log
    assert page.status_code == 200 and "Billing" in page.content.decode()
    assert "estimates within 1 %" in page.content.decode()
    assert "estimates within 1 %" not in client.get(reverse("insights_overview") + "?days=90").content.decode()
    customer = history["requests"][0].requester
    for n in range(4):
        services.open_ticket(
            requester=customer, request_type=request_type, subject=f"More {n}", description="…",
            impact=Impact.MINOR, fields={"version": "2"}, now=months_ago(5, 10 + n, 10),
        )  # fmt: skip
    rebuild_facts()
    client.get(url)
    with django_assert_max_num_queries(asked):
        client.get(url)


def test_months_are_those_of_the_portals_time_zone():
    period = Period(date(2025, 12, 6), date(2026, 12, 5))
    whole, partial = rollups.split(period)
    assert partial[0] == (date(2025, 12, 1), date(2025, 12, 6), date(2026, 1, 1))
    assert whole[0] == date(2026, 1, 1)
    assert all(month.day == 1 for month in whole)
