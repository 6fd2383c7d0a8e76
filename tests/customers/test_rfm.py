"""RFM scores on constructed customers, with the fifths computed by hand."""

from datetime import datetime
from itertools import product
from zoneinfo import ZoneInfo

import pytest

from portal.customers.defaults import GROUPS
from portal.customers.models import CustomerScore, GroupChange, RFMGroup, SegmentSettings
from portal.customers.rfm import fifth, group_for, months_before, score_all
from portal.membership.choices import OrderStatus
from portal.privacy import consent
from tests.factories import UserFactory

from .conftest import NOW


def test_every_one_of_the_125_score_combinations_belongs_to_a_seeded_group(db):
    groups = list(RFMGroup.objects.order_by("order", "pk"))
    assert [g.code for g in groups] == [code for code, *_rest in GROUPS]
    found = {combination: group_for(groups, *combination) for combination in product(range(1, 6), repeat=3)}
    assert all(group is not None for group in found.values())
    assert found[(5, 5, 5)].code == "champions"
    assert found[(1, 5, 5)].code == "cant_lose"
    assert found[(2, 5, 1)].code == "at_risk"
    assert found[(5, 1, 1)].code == "new"
    assert found[(1, 1, 1)].code == "lost"


def test_a_fifth_counts_the_values_strictly_below_so_ties_share_a_score():
    ordered = [1, 1, 1, 2, 3, 4, 5, 6, 7, 8]
    # 1 + ⌊5 × below ÷ 10⌋
    assert [fifth(ordered, v) for v in (1, 2, 3, 4, 5, 6, 7, 8)] == [1, 2, 3, 3, 4, 4, 5, 5]
    ties = [1, 1, 1, 1, 1, 1, 1, 2, 2, 3]
    assert [fifth(ties, v) for v in (1, 2, 3)] == [1, 4, 5]
    assert fifth([42], 42) == 1


def test_months_before_keeps_the_day_or_the_month_s_last_day():
    zone = ZoneInfo("Europe/Belgrade")
    assert months_before(datetime(2026, 3, 31, 9, tzinfo=zone), 1) == datetime(2026, 2, 28, 9, tzinfo=zone)
    assert months_before(datetime(2026, 1, 15, tzinfo=zone), 12) == datetime(2025, 1, 15, tzinfo=zone)
    assert months_before(datetime(2024, 2, 29, tzinfo=zone), 12) == datetime(2023, 2, 28, tzinfo=zone)


@pytest.fixture
def five(consenting, pay):
    """Five consenting customers whose scores are worked out in the test below."""
    people = {name: consenting(display_name=name) for name in "ABCDE"}
    pay(people["A"], "300", 10)
    pay(people["A"], "200", 40)
    pay(people["A"], "100", 100)
    pay(people["B"], "100", 20)
    pay(people["C"], "50", 200)
    pay(people["C"], "1000", 500)  # older than 12 months: recency only
    pay(people["D"], "100", 5)
    pay(people["D"], "100", 30)
    pay(people["E"], "100", 400)
    # Not scored: no consent; only an unpaid order.
    pay(UserFactory(display_name="F"), "1000", 1)
    pay(consenting(display_name="G"), "500", 1, status=OrderStatus.PENDING)
    return people


def scores():
    return {
        s.person.display_name: (s.recency_score, s.frequency_score, s.monetary_score, s.group.code)
        for s in CustomerScore.objects.select_related("person", "group")
    }


def test_scores_by_hand(five):
    result = score_all(now=NOW)
    # Last paid (older first): E 400, C 200, B 20, A 10, D 5 days ago → R 1, 2, 3, 4, 5.
    # Orders in 12 months: E 0, B 1, C 1, D 2, A 3 → F 1, 2, 2, 4, 5 (B and C tie).
    # Paid in 12 months: E 0, C 50, B 100, D 200, A 600 → M 1, 2, 3, 4, 5.
    assert scores() == {
        "A": (4, 5, 5, "champions"),
        "B": (3, 2, 3, "needs_attention"),
        "C": (2, 2, 2, "hibernating"),
        "D": (5, 4, 4, "champions"),
        "E": (1, 1, 1, "lost"),
    }
    assert (result.scored, result.changed, result.removed, result.moved) == (5, 5, 0, 5)
    a = CustomerScore.objects.get(person=five["A"])
    assert (a.frequency, str(a.monetary)) == (3, "600.00")
    assert GroupChange.objects.filter(person=five["A"], from_group=None, to_group__code="champions").count() == 1


def test_scoring_again_writes_nothing_and_a_withdrawal_takes_the_person_out(five, django_capture_on_commit_callbacks):
    score_all(now=NOW)
    again = score_all(now=NOW)
    assert (again.changed, again.removed, again.moved) == (0, 0, 0)
    assert GroupChange.objects.count() == 5

    with django_capture_on_commit_callbacks(execute=True):
        consent.record(person=five["B"], code=consent.PROFILING, granted=False, how="account")
    assert not CustomerScore.objects.filter(person=five["B"]).exists()  # at once, not at the next scoring
    left = GroupChange.objects.get(person=five["B"], to_group=None)
    assert left.from_group.code == "needs_attention"
    after = score_all(now=NOW)
    assert (after.scored, after.removed) == (4, 0)
    assert not CustomerScore.objects.filter(person=five["B"]).exists()

    # A person who is no longer scored by the time scoring runs (deactivated) leaves then.
    five["E"].is_active = False
    five["E"].save()
    assert score_all(now=NOW).removed == 1
    assert GroupChange.objects.filter(person=five["E"], to_group=None).exists()


def test_an_admin_s_new_ranges_move_people_at_the_next_scoring(five):
    score_all(now=NOW)
    champions = RFMGroup.objects.get(code="champions")
    champions.frequency_min = 5
    champions.save()
    result = score_all(now=NOW)
    # D (5, 4, 4) is no longer a champion: Loyal customers (R 3–5, F 3–5) is the next to hold it.
    assert scores()["D"][3] == "loyal"
    assert result.moved == 1
    assert GroupChange.objects.filter(person=five["D"], from_group=champions, to_group__code="loyal").exists()


def test_money_counts_only_the_chosen_currency(five, pay):
    pay(five["E"], "99999", 3, currency="RSD")
    options = SegmentSettings.load()
    options.currency = "EUR"
    options.save()
    score_all(now=NOW)
    e = CustomerScore.objects.get(person=five["E"])
    assert (e.frequency, str(e.monetary), e.recency_score) == (1, "0.00", 5)


def test_engagement_scores_the_active_by_fifths_and_leaves_the_rest_at_zero(five, make_ticket):
    make_ticket(five["A"])
    make_ticket(five["A"])
    make_ticket(five["B"])
    score_all(now=NOW)
    engagement = {
        s.person.display_name: (s.activity, s.engagement_score) for s in CustomerScore.objects.select_related("person")
    }
    # Active: B 1, A 2 → fifths of two values: B 1, A 1 + ⌊5 × 1 ÷ 2⌋ = 3.
    assert engagement["A"] == (2, 3)
    assert engagement["B"] == (1, 1)
    assert engagement["C"] == (0, 0)
