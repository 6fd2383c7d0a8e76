"""Admin → Insights → Self-service: what people did not find, what they read, what did not help,
and what the community left unanswered."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from knowledge_base.models import ArticleDailyViews, ArticleFeedback
from portal.search.models import SearchLog
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_lists_behind_self_service(client, kb, questions, asker, django_assert_max_num_queries):
    from community import services as community

    today = timezone.localdate()
    for query, results in (("lte modem", 0), ("lte modem", 0), ("vpn", 0), ("wifi", 4)):
        SearchLog.objects.create(query=query, normalised=query, language="en", results=results)
    ArticleDailyViews.objects.create(article=kb.public, day=today, views=40)
    ArticleDailyViews.objects.create(article=kb.second, day=today - timedelta(days=1), views=12)
    ArticleDailyViews.objects.create(article=kb.third, day=today - timedelta(days=200), views=999)  # long ago
    for n, helpful in enumerate((False, False, True)):
        ArticleFeedback.objects.create(article=kb.second, session_key=f"s{n}", helpful=helpful)
    ArticleFeedback.objects.create(article=kb.third, session_key="only-one", helpful=False)  # too few answers
    community.start_topic(category=questions, author=asker, title="Does the mesh work with LTE?", body="Asking.")
    client.force_login(UserFactory(role="admin"))
    with django_assert_max_num_queries(40):
        page = client.get(reverse("insights_self_service"), {"days": 30})
    assert page.status_code == HTTPStatus.OK
    assert [(row["normalised"], row["searches"]) for row in page.context["missing"]] == [("lte modem", 2), ("vpn", 1)]
    assert [(row["article_id"], row["views"]) for row in page.context["viewed"]] == [
        (kb.public.pk, 40),
        (kb.second.pk, 12),
    ]
    assert [(row["article_id"], row["no"]) for row in page.context["unhelpful"]] == [(kb.second.pk, 2)]
    assert [topic.title for topic in page.context["unanswered"]] == ["Does the mesh work with LTE?"]
    html = page.content.decode()
    assert "Change the Wi-Fi password" in html and "67 %" in html


def test_an_agent_may_see_it_a_customer_may_not(client, agent, customer):
    client.force_login(agent)
    assert client.get(reverse("insights_self_service")).status_code == HTTPStatus.OK
    client.force_login(customer)
    assert client.get(reverse("insights_self_service")).status_code != HTTPStatus.OK
