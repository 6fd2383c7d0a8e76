"""The same vote, reply or acceptance at the same moment changes state once — PostgreSQL, real threads."""

import pytest
from django.db import connection  # noqa: F401 - read by the skip condition

from community import services
from community.models import Category, Post, PostVote, Topic
from portal.membership.models import PointsEntry
from tests.conftest import ensure_baseline
from tests.factories import UserFactory
from tests.tickets.test_concurrency import run_at_once

from .conftest import trusted

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks are a PostgreSQL matter"),
]


@pytest.fixture
def thread(transactional_db):
    ensure_baseline()
    category = Category.objects.create(name="Questions", slug="questions")
    asker, helper = trusted(UserFactory()), trusted(UserFactory())
    topic = services.start_topic(category=category, author=asker, title="Concurrent question", body="Hm?")
    answer = services.reply(topic=topic, author=helper, body="An answer")
    return topic, answer, asker, helper


def test_a_double_clicked_vote_counts_once(thread):
    _topic, answer, asker, _helper = thread
    errors = run_at_once(8, lambda i: services.vote(post=Post.objects.get(pk=answer.pk), user=asker, value=1))
    assert not errors, errors
    assert Post.objects.get(pk=answer.pk).score == 1
    assert PostVote.objects.filter(post=answer).count() == 1
    source = f"community:vote:{answer.pk}:{asker.pk}"
    assert sum(PointsEntry.objects.filter(source=source).values_list("points", flat=True)) == services.POINTS["upvote"]


def test_replies_at_the_same_moment_are_all_counted(thread):
    topic, _answer, _asker, _helper = thread
    people = [trusted(UserFactory()) for _ in range(8)]
    errors = run_at_once(8, lambda i: services.reply(topic=topic, author=people[i], body=f"Reply {i}"))
    assert not errors, errors
    topic.refresh_from_db()
    assert topic.reply_count == Post.objects.filter(topic=topic, is_opening=False).count() == 9
    assert topic.category.__class__.objects.get(pk=topic.category_id).post_count == 10


def test_accepting_twice_at_once_awards_once(thread):
    topic, answer, asker, _helper = thread
    errors = run_at_once(
        6, lambda i: services.accept_solution(topic=Topic.objects.get(pk=topic.pk), post=answer, actor=asker)
    )
    assert not errors, errors
    assert PointsEntry.objects.filter(source=f"community:accepted:{answer.pk}").count() == 1
