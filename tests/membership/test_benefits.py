"""Tiers from the points ledger and tenure; benefits per tier; redeeming once, codes never twice."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from portal.membership import points as ledger
from portal.membership.choices import RedeemBy
from portal.membership.models import Benefit, BenefitCode, Redemption, Tier
from portal.membership.services import benefits as catalogue
from tests.conftest import ensure_baseline
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def make_tiers():
    basic = Tier.objects.create(name="Basic", code="basic", rank=1)
    silver = Tier.objects.create(name="Silver", code="silver", rank=2, min_points=100)
    gold = Tier.objects.create(name="Gold", code="gold", rank=3, min_points=300, min_tenure_days=180)
    return basic, silver, gold


def person(points=0, joined_days_ago=0):
    user = UserFactory()
    user.date_joined = timezone.now() - timedelta(days=joined_days_ago)
    user.save(update_fields=["date_joined"])
    if points:
        ledger.settle(user=user, source=f"test:{user.pk}", points=points, reason="test")
    return user


@pytest.fixture
def tiers(db):
    return make_tiers()


@pytest.fixture
def warranty(tiers):
    benefit = Benefit.objects.create(title="Warranty code", description="20% off", tier=tiers[1])
    catalogue.import_codes(benefit=benefit, text="CODE-1\nCODE-2\n\nCODE-2\n")
    return benefit


def test_tiers_come_from_points_in_the_last_year_and_tenure(tiers):
    basic, silver, gold = tiers
    assert catalogue.standing(person()).tier == basic
    newcomer = catalogue.standing(person(points=120))
    assert (newcomer.tier, newcomer.next_tier, newcomer.points_needed, newcomer.days_needed) == (silver, gold, 180, 180)
    assert newcomer.percent == 40
    # Points alone do not make Gold: half a year with us is needed too.
    assert catalogue.standing(person(points=400)).tier == silver
    veteran = catalogue.standing(person(points=400, joined_days_ago=200))
    assert (veteran.tier, veteran.next_tier, veteran.percent) == (gold, None, 100)
    # Points from more than a year ago no longer count toward the tier (they are still spendable).
    old = person()
    ledger.settle(user=old, source="test:old", points=500, reason="test", now=timezone.now() - timedelta(days=400))
    standing = catalogue.standing(old)
    assert standing.tier == basic and standing.balance == 500


def test_benefits_are_shown_to_their_tier_and_above_while_current(tiers, warranty):
    basic, silver, gold = tiers
    Benefit.objects.create(
        title="Expired",
        description="x",
        tier=basic,
        redeem_by=RedeemBy.CONTACT,
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    Benefit.objects.create(title="Gold call", description="x", tier=gold, redeem_by=RedeemBy.CONTACT)
    silver_person = person(points=150)
    titles = [b.title for b in catalogue.available_benefits(silver_person, silver)]
    assert titles == ["Warranty code"]
    assert [b.title for b in catalogue.available_benefits(person(), basic)] == []
    assert catalogue.available_benefits(person(), None) == []


def test_a_code_is_redeemed_once_and_never_given_twice(tiers, warranty):
    first, second, third = person(points=150), person(points=150), person(points=150)
    assert catalogue.redeem(user=first, benefit=warranty).code.code == "CODE-1"
    with pytest.raises(catalogue.BenefitError, match="already redeemed"):
        catalogue.redeem(user=first, benefit=warranty)
    assert catalogue.redeem(user=second, benefit=warranty).code.code == "CODE-2"
    with pytest.raises(catalogue.BenefitError, match="All codes"):
        catalogue.redeem(user=third, benefit=warranty)
    with pytest.raises(catalogue.BenefitError, match="Silver"):
        catalogue.redeem(user=person(), benefit=warranty)
    assert BenefitCode.objects.filter(benefit=warranty, redeemed_by__isnull=True).count() == 0


def test_importing_codes_skips_blanks_and_repeats(warranty):
    assert catalogue.import_codes(benefit=warranty, text="CODE-2\nCODE-3\n  \nCODE-3") == (1, 1)
    assert warranty.codes.count() == 3


def test_the_benefits_page_shows_tier_progress_and_the_code_once(client, site, tiers, warranty):
    member = person(points=150)
    client.force_login(member)
    page = client.get("/me/benefits/").content.decode()
    assert "Your tier: Silver" in page and "Toward Gold" in page and "Warranty code" in page
    response = client.post(f"/me/benefits/{warranty.pk}/redeem/")
    assert response.status_code == 302
    shown = client.get("/me/benefits/").content.decode()
    assert "CODE-1" in shown and "shown only this once" in shown
    assert "CODE-1" not in client.get("/me/benefits/").content.decode()
    again = client.post(f"/me/benefits/{warranty.pk}/redeem/", follow=True).content.decode()
    assert "already redeemed" in again
    assert client.post("/me/benefits/999999/redeem/").status_code == 404
    client.logout()
    assert client.get("/me/benefits/").status_code == 302


def test_community_points_appear_in_the_history_with_their_reason(client, site, tiers):
    member = person()
    ledger.settle(user=member, source="community:vote:1:2", points=10, reason="upvote", note="Wi-Fi drops")
    client.force_login(member)
    page = client.get("/me/benefits/").content.decode()
    assert "Upvote received — Wi-Fi drops" in page and "+10" in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are a PostgreSQL matter")
def test_two_tabs_redeeming_at_once_get_one_code(transactional_db):
    from tests.tickets.test_concurrency import run_at_once

    ensure_baseline()
    tiers = make_tiers()
    benefit = Benefit.objects.create(title="Code", description="x", tier=tiers[0])
    catalogue.import_codes(benefit=benefit, text="\n".join(f"C{n}" for n in range(10)))
    member = person()
    others = [person() for _ in range(4)]
    errors = run_at_once(6, lambda i: catalogue.redeem(user=member if i < 2 else others[i - 2], benefit=benefit))
    assert len(errors) == 1 and isinstance(errors[0], catalogue.BenefitError)
    assert Redemption.objects.filter(user=member).count() == 1
    codes = list(Redemption.objects.values_list("code__code", flat=True))
    assert len(codes) == len(set(codes)) == 5
