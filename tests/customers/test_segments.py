"""Rule segments: each condition on constructed people, keeping members, preview in the admin."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import nested_form_data, streamfield

from community.models import CommunityProfile
from portal.customers import segments
from portal.customers.models import CustomerScore, RFMGroup, Segment, SegmentChange, SegmentMember
from portal.insights import nps
from portal.insights.models import RequestFacts
from portal.insights.services import rebuild_facts
from portal.membership import points as ledger
from portal.membership.models import Plan, Subscription, Tier
from portal.privacy import consent
from tests.factories import OrganisationFactory, UserFactory
from tickets import satisfaction
from tickets.models import SatisfactionSurvey


@pytest.fixture
def people(consenting, make_ticket, db):
    now = timezone.now()
    acme = OrganisationFactory(name="Acme")
    sl = consenting(display_name="Sara", locale="sl", country="SI")
    en = consenting(display_name="Eric", locale="en", country="RS", organisation=acme)
    UserFactory(display_name="Nobody", locale="sl", country="SI")  # no profiling consent: never a member
    for person in (sl, en):
        person.date_joined = now - timedelta(days=400)
        person.save()
    premium = Plan.objects.create(name="Premium", code="premium", price=Decimal("100"))
    business = Plan.objects.create(name="Business", code="business", price=Decimal("300"))
    Subscription.objects.create(holder=sl, plan=premium, ends_at=now + timedelta(days=10))
    Subscription.objects.create(organisation=acme, plan=business, ends_at=now + timedelta(days=200))
    Tier.objects.create(name="Silver", code="silver", rank=1, min_points=100)
    Tier.objects.create(name="Gold", code="gold", rank=2, min_points=500)
    ledger.settle(user=sl, source="t:1", points=150, reason="renewal")
    ledger.settle(user=en, source="t:2", points=600, reason="renewal")
    for person, rating in ((sl, "good"), (en, "bad")):
        ticket = make_ticket(person)
        survey = SatisfactionSurvey.objects.create(ticket=ticket, customer=person)
        satisfaction.rate(survey=survey, rating=rating)
    rebuild_facts()
    RequestFacts.objects.filter(requester_id=en.pk).update(product="Router AX3")
    for person, score in ((sl, 10), (en, 3)):
        nps.answer(survey=nps.ask(person=person, trigger="solved"), score=score)
    CommunityProfile.objects.create(user=en, handle="eric", trust_level=2)
    consent.record(person=en, code=consent.NEWSLETTER, granted=True, how="account")
    CustomerScore.objects.create(
        person=sl,
        last_paid_at=now,
        frequency=3,
        monetary=Decimal("300"),
        recency_score=5,
        frequency_score=5,
        monetary_score=5,
        group=RFMGroup.objects.get(code="champions"),
    )
    return {"sl": sl, "en": en, "acme": acme}


def members(*conditions) -> set[str]:
    segment = Segment(name="Test", code="test", conditions=[{"type": t, "value": v} for t, v in conditions])
    return {person.display_name for person in segment.people()}


def test_each_condition_on_its_own(people):
    assert members() == {"Sara", "Eric"}  # no conditions: everyone who allows profiling
    assert members(("plan", {"plans": ["premium"]})) == {"Sara"}
    assert members(("plan", {"plans": ["business"]})) == {"Eric"}  # through the organisation
    assert members(("tier", {"tiers": ["silver"]})) == {"Sara"}
    assert members(("tier", {"tiers": ["gold", "silver"]})) == {"Sara", "Eric"}
    assert members(("product", {"products": ["Router AX3"]})) == {"Eric"}
    assert members(("language", {"languages": ["sl"]})) == {"Sara"}
    assert members(("organisation", {"organisations": [people["acme"].pk]})) == {"Eric"}
    assert members(("country", {"countries": ["RS"]})) == {"Eric"}
    assert members(("points", {"at_least": 200, "at_most": None})) == {"Eric"}
    assert members(("points", {"at_least": None, "at_most": 150})) == {"Sara"}
    assert members(("renewal", {"from_days": 0, "to_days": 30})) == {"Sara"}
    assert members(("satisfaction", {"rating": "bad"})) == {"Eric"}
    assert members(("nps", {"answer": "promoter"})) == {"Sara"}
    assert members(("nps", {"answer": "detractor"})) == {"Eric"}
    assert members(("nps", {"answer": "passive"})) == set()
    assert members(("trust_level", {"at_least": 2})) == {"Eric"}
    assert members(("consent", {"purpose": "newsletter", "allowed": True})) == {"Eric"}
    assert members(("consent", {"purpose": "newsletter", "allowed": False})) == {"Sara"}
    assert members(("rfm_group", {"groups": ["champions"]})) == {"Sara"}


def test_conditions_together_must_all_hold(people):
    assert members(("language", {"languages": ["sl", "en"]}), ("country", {"countries": ["SI"]})) == {"Sara"}
    assert members(("language", {"languages": ["en"]}), ("country", {"countries": ["SI"]})) == set()


def test_members_are_kept_with_their_comings_and_goings(people, django_capture_on_commit_callbacks):
    segment = Segment.objects.create(
        name="Slovenian", code="slovenian", conditions=[{"type": "language", "value": {"languages": ["sl"]}}]
    )
    assert segments.refresh(segment) == (1, 0)
    assert segments.refresh(segment) == (0, 0)
    segment.refresh_from_db()
    assert segment.size == 1
    eric = people["en"]
    eric.locale = "sl"
    eric.save()
    assert segments.refresh(segment) == (1, 0)
    assert [s.code for s in segments.current_segments(eric).rule_segments] == ["slovenian"]
    with django_capture_on_commit_callbacks(execute=True):
        consent.record(person=eric, code=consent.PROFILING, granted=False, how="account")
    assert not SegmentMember.objects.filter(person=eric).exists()
    assert SegmentChange.objects.filter(person=eric, joined=False).count() == 1
    assert segments.current_segments(eric).codes == set()
    assert segments.refresh(segment) == (0, 0)


def test_an_admin_previews_who_is_in_before_saving(client, people):
    client.force_login(UserFactory(role="admin"))
    preview = reverse("wagtailsnippets_customers_segment:preview_on_add")
    data = nested_form_data(
        {
            "name": "Slovenian speakers",
            "code": "slovenian-speakers",
            "description": "",
            "conditions": streamfield([("language", {})]),
            "is_active": "on",
        }
    )
    data["conditions-0-value-languages"] = ["sl"]  # a multiple choice sends one value per choice
    answer = client.post(preview, data)
    assert answer.json()["is_valid"] is True
    page = client.get(preview).content.decode()
    assert "1 person is in this segment now." in page and "Sara" in page and "Nobody" not in page
    assert not Segment.objects.exists()
