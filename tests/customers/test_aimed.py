"""Aimed content: the variant for a reader's segments, the default for everyone else, and cached
pages that stay right for signed-out readers."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.customers.models import AimedContent, CustomerScore, RFMGroup
from tests.factories import UserFactory


@pytest.fixture
def champion(consenting):
    person = consenting(display_name="Cara Champion")
    CustomerScore.objects.create(
        person=person,
        last_paid_at=timezone.now(),
        frequency=5,
        monetary=Decimal("900"),
        recency_score=5,
        frequency_score=5,
        monetary_score=5,
        group=RFMGroup.objects.get(code="champions"),
    )
    return person


def box(placement: str, **kwargs) -> AimedContent:
    return AimedContent.objects.create(
        name=f"{placement} box",
        placement=placement,
        variants=[
            {
                "type": "for_segment",
                "value": {
                    "audience": ["rfm:champions"],
                    "heading": "Thank you, champion",
                    "text": "<p>A priority call is yours.</p>",
                    "link": "/support/new/",
                    "link_text": "Book it",
                },
            }
        ],
        default_heading="Join our webinar",
        default_text="<p>Every Thursday.</p>",
        **kwargs,
    )


def test_the_home_page_says_one_thing_to_champions_and_the_default_to_others(client, site, champion):
    box("home")
    anonymous = client.get("/").content.decode()
    assert "Join our webinar" in anonymous and "Thank you, champion" not in anonymous
    assert client.get("/").content.decode() == anonymous  # cached whole for signed-out readers
    client.force_login(champion)
    mine = client.get("/").content.decode()
    assert "Thank you, champion" in mine and "Join our webinar" not in mine
    client.force_login(UserFactory())  # signed in, no profiling consent: the default
    assert "Join our webinar" in client.get("/").content.decode()
    client.logout()
    assert "Thank you, champion" not in client.get("/").content.decode()


def test_a_changed_box_reaches_cached_pages_at_once(client, site):
    content = box("home")
    assert "Join our webinar" in client.get("/").content.decode()
    content.default_heading = "Spring sale"
    content.save()
    assert "Spring sale" in client.get("/").content.decode()
    content.delete()
    assert "Spring sale" not in client.get("/").content.decode()


def test_the_customer_area_and_help_articles_have_their_own_boxes(client, site, champion, kb):
    box("member_area")
    box("help", is_active=True)
    client.force_login(champion)
    assert "Thank you, champion" in client.get(reverse("accounts:dashboard")).content.decode()
    article = client.get(kb.public.url).content.decode()
    assert "Thank you, champion" in article
    client.logout()
    article = client.get(kb.public.url).content.decode()
    assert "Join our webinar" in article and "Thank you, champion" not in article
