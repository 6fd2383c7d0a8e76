"""Ranking on a fixed fixture: promoted and helpful articles first, solved topics above open ones,
old threads below fresh ones; the weights are settings."""

from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone

from community import services as community
from community.models import Category, Topic
from knowledge_base.models import ArticleFeedback
from portal.search import ranking
from tests.community.conftest import trusted
from tests.factories import UserFactory

from .conftest import add_article, ask, indexed, publish

pytestmark = pytest.mark.django_db


def test_the_weights_follow_the_settings(settings):
    now = timezone.now()
    assert ranking.article_boost(promoted=True, helpful_votes=0, votes=0) == 1.3
    assert ranking.article_boost(promoted=False, helpful_votes=10, votes=10) == 1.3
    assert ranking.article_boost(promoted=False, helpful_votes=0, votes=10) == 0.7
    assert ranking.article_boost(promoted=False, helpful_votes=0, votes=4) == 1.0  # too few votes to say
    assert ranking.topic_boost(solved=True, last_activity_at=now, now=now) == 1.2
    assert ranking.topic_boost(solved=False, last_activity_at=now - timedelta(days=730), now=now) == 0.7
    assert ranking.topic_boost(solved=False, last_activity_at=now - timedelta(days=182), now=now) == pytest.approx(
        0.85, abs=0.01
    )
    settings.PORTAL_SEARCH_BOOSTS = {"promoted": 2.0}
    assert ranking.article_boost(promoted=True, helpful_votes=0, votes=0) == 2.0


def test_promoted_and_helpful_articles_rank_above_their_equals(backend, kb):
    plain = add_article(kb.section, "Quartz tuning guide")
    promoted = add_article(kb.section, "Quartz tuning guide")
    promoted.promoted = True
    publish(promoted)
    helpful = add_article(kb.section, "Quartz tuning guide")
    for n in range(6):
        ArticleFeedback.objects.create(article=helpful, session_key=f"s{n}", helpful=True)
        ArticleFeedback.objects.create(article=plain, session_key=f"s{n}", helpful=False)
    indexed(backend)
    assert ask(backend, "quartz tuning") == [f"page:{p.pk}" for p in (promoted, helpful, plain)]


def test_solved_topics_rank_above_open_ones_and_old_threads_sink(backend, db):
    category = Category.objects.create(name="Q", slug="q")
    author = trusted(UserFactory())
    with TestCase.captureOnCommitCallbacks(execute=True):
        topics = [
            community.start_topic(category=category, author=author, title="Zircon lamp flickers", body="Zircon.")
            for _ in range(3)
        ]
    solved, fresh, old = topics
    answer = community.reply(topic=solved, author=trusted(UserFactory()), body="Tighten it.")
    community.accept_solution(topic=solved, post=answer, actor=author)
    Topic.objects.filter(pk=old.pk).update(last_activity_at=timezone.now() - timedelta(days=400))
    indexed(backend)
    assert ask(backend, "zircon lamp") == [f"topic:{t.pk}" for t in (solved, fresh, old)]
