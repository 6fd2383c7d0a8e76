"""Odd input in the staff forms of segments, offers, campaigns and aimed content: a message in the
page, nothing saved, never a 500."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from portal.customers.models import AimedContent, Campaign, Offer, RFMGroup, Segment
from tests.factories import UserFactory

TEXT = rich_text("<p>Every Thursday.</p>")
ODD = ["\x00", "²", "x" * 100_000, "line\r\nbreak"]


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(role="admin"))
    return client


def post(client, model: str, data: dict):
    response = client.post(reverse(f"wagtailsnippets_customers_{model}:add"), nested_form_data(data))
    assert response.status_code == 200, (model, data, response.status_code)  # the form again, with messages
    return response.content.decode()


@pytest.mark.parametrize("odd", ODD)
def test_odd_values_are_refused_in_the_page(admin_client, odd):
    group = RFMGroup.objects.get(code="at_risk").pk
    post(admin_client, "segment", {
        "name": odd, "code": "s", "description": "", "is_active": "on",
        "conditions": streamfield([("points", {"at_least": odd, "at_most": ""})]),
    })  # fmt: skip
    post(admin_client, "offer", {
        "title": odd, "pitch": "p", "link": odd, "holdout_percent": odd, "rfm_groups": [group], "is_active": "on",
    })  # fmt: skip
    post(admin_client, "campaign", {
        "name": "n", "rfm_group": group, "subject": odd, "body": "b", "link": odd, "batch_size": odd,
        "holdout_percent": "10", "translations": inline_formset([]),
    })  # fmt: skip
    post(admin_client, "aimedcontent", {
        "name": odd, "placement": "home", "default_heading": "h", "default_text": TEXT, "default_link": odd,
        "default_link_text": "", "is_active": "on", "variants": streamfield([]),
    })  # fmt: skip
    assert not Segment.objects.exists() and not Offer.objects.exists()
    assert not Campaign.objects.exists() and not AimedContent.objects.exists()


def test_links_must_lead_here_or_to_the_web(admin_client):
    page = post(admin_client, "aimedcontent", {
        "name": "Box", "placement": "home", "default_heading": "h", "default_text": TEXT,
        "default_link": "javascript:alert(1)", "default_link_text": "", "is_active": "on",
        "variants": streamfield([]),
    })  # fmt: skip
    assert "Give an address here" in page
    assert not AimedContent.objects.exists()
    saved = admin_client.post(reverse("wagtailsnippets_customers_aimedcontent:add"), nested_form_data({
        "name": "Box", "placement": "home", "default_heading": "h", "default_text": TEXT,
        "default_link": "/help/", "default_link_text": "", "is_active": "on", "variants": streamfield([]),
    }))  # fmt: skip
    assert saved.status_code == 302 and AimedContent.objects.get().default_link == "/help/"


def test_a_subject_on_two_lines_is_refused_and_one_line_is_saved(admin_client):
    group = RFMGroup.objects.get(code="at_risk").pk
    data = {
        "name": "Win-back", "rfm_group": group, "subject": "We miss\nyou", "body": "b", "link": "/me/",
        "batch_size": "200", "holdout_percent": "10", "translations": inline_formset([]),
    }  # fmt: skip
    assert "Write it on one line." in post(admin_client, "campaign", data)
    data["subject"] = "We miss you"
    response = admin_client.post(reverse("wagtailsnippets_customers_campaign:add"), nested_form_data(data))
    assert response.status_code == 302 and Campaign.objects.get().link == "/me/"
