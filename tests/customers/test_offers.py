"""Offers aimed at segments, the hold-out, redemptions, campaigns sent once, and the report."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal.customers import campaigns, offers, reports
from portal.customers.models import Campaign, CustomerScore, Delivery, Exposure, Offer, RFMGroup
from portal.customers.rfm import score_all
from portal.membership.choices import OrderKind
from portal.membership.models import Benefit, Tier
from portal.privacy import consent
from tests.factories import UserFactory


@pytest.fixture
def champions(consenting, pay):
    """Twenty scored customers: four champions (recent, often, much), six at risk (often, but long
    ago) and ten who bought once. By fifths of 20: the at-risk score R 1–2, F 3, M 3; the champions
    R 5, F 5, M 5."""
    people = []
    for n in range(4):
        person = consenting(display_name=f"Champion {n}")
        for days in (5, 40, 80, 120, 160):
            pay(person, "500", days + n)
        people.append(person)
    for n in range(10):
        pay(consenting(display_name=f"Once {n}"), "50", 100 + n)
    for n in range(6):
        person = consenting(display_name=f"Risky {n}")
        for days in (250, 280, 300, 330):
            pay(person, "200", days + n)
        people.append(person)
    score_all()
    return people


@pytest.fixture
def benefit(db):
    basic = Tier.objects.create(name="Basic", code="basic", rank=1)
    return Benefit.objects.create(
        title="A month on us", description="Renew now.", tier=basic, redeem_by="link", link="https://example.com/m"
    )


def make_offer(benefit, *groups, holdout=0, **kwargs) -> Offer:
    offer = Offer.objects.create(
        title="Come back", pitch="A month on us.", benefit=benefit, holdout_percent=holdout, **kwargs
    )
    offer.rfm_groups.set(RFMGroup.objects.filter(code__in=groups))
    return offer


def test_hold_out_is_a_stable_share():
    held = [pk for pk in range(10000) if offers.in_holdout("offer", 7, pk, 10)]
    assert 900 < len(held) < 1100
    assert held == [pk for pk in range(10000) if offers.in_holdout("offer", 7, pk, 10)]
    assert not any(offers.in_holdout("offer", 7, pk, 0) for pk in range(1000))


def test_an_offer_is_shown_to_its_segment_only_within_its_dates(champions, benefit):
    offer = make_offer(benefit, "at_risk")
    risky, champion = champions[-1], champions[0]
    assert CustomerScore.objects.get(person=risky).group.code == "at_risk"
    assert offers.offers_for(risky) == [offer]
    assert offers.offers_for(champion) == []
    assert offers.offers_for(UserFactory()) == []  # no consent, no segments
    exposure = Exposure.objects.get(offer=offer, person=risky)
    assert (exposure.segment, exposure.holdout, exposure.times) == ("rfm:at_risk", False, 1)
    offers.offers_for(risky)  # a reload: the same showing
    exposure.refresh_from_db()
    assert exposure.times == 1
    offers.offers_for(risky, now=timezone.now() + offers.SHOWING_GAP + timedelta(minutes=1))
    exposure.refresh_from_db()
    assert exposure.times == 2
    today = timezone.localdate()
    # Saved as the admin saves it: the running offers are kept in the cache until an offer changes.
    offer.ends_on = today - timedelta(days=1)
    offer.save()
    assert offers.offers_for(risky) == []
    offer.ends_on, offer.starts_on = None, today + timedelta(days=1)
    offer.save()
    assert offers.offers_for(risky) == []


def test_the_running_offers_are_read_once_and_again_after_any_change_to_them(champions, benefit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    offer = make_offer(benefit, "at_risk")
    risky = champions[-1]
    assert offers.offers_for(risky) == [offer]
    with CaptureQueriesContext(connection) as again:
        offers.offers_for(risky)
    assert not any('"customers_offer"' in query["sql"].split("WHERE")[0] for query in again.captured_queries)
    offer.rfm_groups.clear()  # no longer aimed at anyone
    assert offers.offers_for(risky) == []
    offer.rfm_groups.add(RFMGroup.objects.get(code="at_risk"))
    assert offers.offers_for(risky) == [offer]
    offer.is_active = False
    offer.save()
    assert offers.offers_for(risky) == []
    offer.is_active = True
    offer.save()
    group = RFMGroup.objects.get(code="at_risk")
    group.code = "slipping"  # renamed: the aim follows the group
    group.save()
    assert offers.offers_for(risky) == [offer]
    assert offers.address(offers.offers_for(risky)[0]).endswith(f"#benefit-{benefit.pk}")
    offer.link = "https://example.com/back"
    offer.save()
    benefit.delete()  # the offer keeps its link; SET_NULL writes it without a signal of its own
    assert offers.address(offers.offers_for(risky)[0]) == "https://example.com/back"
    offer.delete()
    assert offers.offers_for(risky) == []


def test_held_out_people_are_recorded_but_not_shown(champions, benefit):
    offer = make_offer(benefit, "at_risk", holdout=50)
    risky = [p for p in champions if p.display_name.startswith("Risky")]
    shown = [p for p in risky if offers.offers_for(p)]
    held = Exposure.objects.filter(offer=offer, holdout=True)
    assert held.count() == len(risky) - len(shown) > 0
    assert {e.person_id for e in held}.isdisjoint({p.pk for p in shown})


def test_a_withdrawn_profiling_consent_ends_aimed_offers(champions, benefit, django_capture_on_commit_callbacks):
    make_offer(benefit, "at_risk")
    risky = champions[-1]
    with django_capture_on_commit_callbacks(execute=True):
        consent.record(person=risky, code=consent.PROFILING, granted=False, how="account")
    assert offers.offers_for(risky) == []


def test_the_customer_area_shows_the_offer_and_redeeming_records_the_segment(client, champions, benefit):
    from portal.membership import points as ledger

    offer = make_offer(benefit, "at_risk")
    webinar = Offer.objects.create(title="Live webinar", pitch="Thursdays.", link="/help/", holdout_percent=0)
    webinar.rfm_groups.set(RFMGroup.objects.filter(code="at_risk"))
    risky = champions[-1]
    ledger.settle(user=risky, source="t", points=1, reason="renewal")  # the Basic tier
    client.force_login(risky)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Come back" in page and f"#benefit-{benefit.pk}" in page
    assert "Live webinar" in page  # offers for you: each offer its card
    client.post(reverse("membership:redeem", args=[benefit.pk]))
    exposure = Exposure.objects.get(offer=offer, person=risky)
    assert exposure.redemption is not None and exposure.segment == "rfm:at_risk"
    client.force_login(champions[0])
    assert "Come back" not in client.get(reverse("accounts:dashboard")).content.decode()


@pytest.fixture
def newsletter_readers(champions):
    for person in champions:
        consent.record(person=person, code=consent.NEWSLETTER, granted=True, how="account")
    return champions


def test_a_campaign_goes_out_in_batches_once_to_each_consenting_member(
    newsletter_readers, django_capture_on_commit_callbacks
):
    at_risk = RFMGroup.objects.get(code="at_risk")
    silent = next(p for p in newsletter_readers if p.display_name == "Risky 5")
    consent.record(person=silent, code=consent.NEWSLETTER, granted=False, how="account")
    campaign = Campaign.objects.create(
        name="Win-back",
        rfm_group=at_risk,
        subject="We miss you",
        body="A month on us.",
        batch_size=2,
        holdout_percent=0,
    )
    assert campaigns.audience(campaign).count() == 5
    with django_capture_on_commit_callbacks(execute=True):
        campaigns.start(campaign)  # the task sends the first batch
    with pytest.raises(campaigns.CampaignError):
        campaigns.start(campaign)
    with django_capture_on_commit_callbacks(execute=True):
        while campaigns.send_due():
            pass
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
    assert Delivery.objects.filter(campaign=campaign).count() == 5
    sent_to = sorted(address for message in mail.outbox for address in message.to)
    assert len(sent_to) == len(set(sent_to)) == 5
    assert silent.email not in sent_to
    assert all("We miss you" in message.subject for message in mail.outbox)
    assert campaigns.send_batch(campaign.pk) == 0  # a retried task sends nothing


def test_an_admin_starts_a_campaign_after_seeing_its_audience(client, newsletter_readers):
    campaign = Campaign.objects.create(
        name="Win-back", rfm_group=RFMGroup.objects.get(code="at_risk"), subject="We miss you", body="Hi"
    )
    client.force_login(UserFactory(role="admin"))
    confirm = client.get(reverse("customers_start_campaign", args=[campaign.pk])).content.decode()
    assert "People who allow it now" in confirm and "<dd>6</dd>" in confirm
    client.post(reverse("customers_start_campaign", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status != Campaign.Status.DRAFT
    client.force_login(UserFactory(role="agent"))
    assert client.get(reverse("customers_start_campaign", args=[campaign.pk])).status_code == 302


def test_the_report_measures_lift_against_the_held_out(client, champions, benefit, pay):
    offer = make_offer(benefit, "at_risk", "champions", holdout=50)
    for person in champions:
        offers.offers_for(person)
    exposures = list(Exposure.objects.filter(offer=offer, segment="rfm:at_risk"))
    shown = [e for e in exposures if not e.holdout]
    held = [e for e in exposures if e.holdout]
    assert shown and held
    # Every shown at-risk customer renews within 30 days; no held-out one does.
    for exposure in shown:
        order = pay(exposure.person, "100", 0)
        order.kind = OrderKind.RENEW
        order.paid_at = timezone.now() + timedelta(days=3)
        order.save()
    results = {r.segment: r for r in reports.offer_results()}
    at_risk = results["rfm:at_risk"]
    assert (at_risk.shown.people, at_risk.shown.renewed, at_risk.held.people, at_risk.held.renewed) == (
        len(shown),
        len(shown),
        len(held),
        0,
    )
    assert at_risk.lift == 100.0
    client.force_login(UserFactory(role="admin"))
    page = client.get(reverse("customers_report")).content.decode()
    assert "Come back" in page and "rfm:at_risk" in page and "100.0" in page
    assert "At risk" in page and "Champions" in page


def test_group_sizes_are_worked_back_month_by_month(champions):
    starts, rows = reports.group_sizes(3)
    sizes = {row["group"].code: row["sizes"] for row in rows}
    assert sizes["champions"][-1] == 4 and sizes["at_risk"][-1] == 6
    assert sizes["champions"][0] == 0  # before this month's first scoring nobody was scored
    assert len(starts) == 3 and starts[-1] == timezone.localdate().replace(day=1)


def test_each_person_gets_the_campaign_in_their_language(newsletter_readers, django_capture_on_commit_callbacks):
    from portal.customers.models import CampaignTranslation

    risky = [p for p in newsletter_readers if p.display_name.startswith("Risky")]
    for person, language in zip(risky, ["sl", "sr", "sr-latn", "en", "en", "en"], strict=True):
        person.locale = language
        person.save()
    campaign = Campaign.objects.create(
        name="Win-back", rfm_group=RFMGroup.objects.get(code="at_risk"), subject="We miss you", body="Hi",
        holdout_percent=0,
    )  # fmt: skip
    CampaignTranslation.objects.create(campaign=campaign, language="sl", subject="Pogrešamo vas", body="Živjo")
    CampaignTranslation.objects.create(campaign=campaign, language="sr-latn", subject="Nedostajete nam", body="Zdravo")
    with django_capture_on_commit_callbacks(execute=True):
        campaigns.start(campaign)
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert "Pogrešamo vas" in subjects[risky[0].email]
    assert "Недостајете нам" in subjects[risky[1].email]  # Serbian Cyrillic, from the Latin text
    assert "Nedostajete nam" in subjects[risky[2].email]
    assert "We miss you" in subjects[risky[3].email]
