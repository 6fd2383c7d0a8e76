"""Community topics in search: found with their replies, by the readers of their category only,
and gone when hidden, merged or moved out of a reader's reach."""

import pytest
from django.test import TestCase

from community import services
from community.choices import Audience, CategoryKind
from community.models import Category
from portal.search import service
from portal.search.backends.base import Query
from tests.community.conftest import trusted
from tests.factories import UserFactory

from .conftest import ask

pytestmark = pytest.mark.django_db

EVERYONE = ("audience:everyone",)
MEMBER = ("audience:everyone", "audience:customers", "audience:members")


@pytest.fixture
def forum(db):
    questions = Category.objects.create(name="Questions", slug="questions", kind=CategoryKind.QUESTIONS)
    lounge = Category.objects.create(name="Lounge", slug="lounge", audience=Audience.MEMBERS)
    asker, helper = trusted(UserFactory()), trusted(UserFactory())
    staff = UserFactory(role="moderator")
    topic = services.start_topic(category=questions, author=asker, title="Mesh satellites keep disconnecting",
                                 body="Every few hours the satellite drops.", language="en")  # fmt: skip
    answer = services.reply(topic=topic, author=helper, body="Move the satellite away from the microwave oven.")
    services.accept_solution(topic=topic, post=answer, actor=asker)
    secret = services.start_topic(category=lounge, author=staff, title="Beta firmware for mesh satellites",
                                  body="Members can try it first.", language="en")  # fmt: skip
    return {"topic": topic, "answer": answer, "secret": secret, "questions": questions, "moderator": staff}


def test_a_topic_is_found_by_its_replies_and_marked_solved(backend, forum):
    service.rebuild(backend=backend)
    assert ask(backend, "microwave oven") == [f"topic:{forum['topic'].pk}"]
    results = backend.search(Query(text="microwave", tokens=EVERYONE))
    hit = results.hits[0]
    assert hit.kind == "topic" and hit.url == forum["topic"].get_absolute_url()
    assert hit.extra["solved"] is True
    assert "<mark>" in hit.snippet


def test_members_only_topics_are_found_by_members_only(backend, forum):
    service.rebuild(backend=backend)
    assert ask(backend, "mesh satellites", tokens=EVERYONE) == [f"topic:{forum['topic'].pk}"]
    assert set(ask(backend, "mesh satellites", tokens=MEMBER)) == {
        f"topic:{forum['topic'].pk}",
        f"topic:{forum['secret'].pk}",
    }


def test_hiding_a_topic_takes_it_out_of_search(backend, forum):
    service.rebuild(backend=backend)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.hide_post(post=forum["topic"].posts.get(is_opening=True), actor=forum["moderator"])
    assert ask(backend, "microwave") == []


def test_making_a_category_members_only_reindexes_its_topics(backend, forum):
    service.rebuild(backend=backend)
    with TestCase.captureOnCommitCallbacks(execute=True):
        forum["questions"].audience = Audience.MEMBERS
        forum["questions"].save()
    assert ask(backend, "microwave", tokens=EVERYONE) == []
    assert ask(backend, "microwave", tokens=MEMBER) == [f"topic:{forum['topic'].pk}"]


def test_the_search_page_narrows_to_community_topics(client, site, forum):
    service.rebuild(backend=service.database)
    page = client.get("/search/", {"q": "satellite", "kind": "topic"}).content.decode()
    assert "Mesh satellites keep disconnecting" in page
    assert "Beta firmware" not in page
    suggestions = client.get("/search/suggest/", {"q": "mesh sat"}).json()["results"]
    assert [s["title"] for s in suggestions] == ["Mesh satellites keep disconnecting"]


def test_snippets_show_the_words_of_a_post_not_its_markdown(backend, forum):
    services.reply(
        topic=forum["topic"], author=forum["moderator"], body="Try **channel 11** in [the app](https://x.test/a)"
    )
    service.rebuild(backend=backend)
    hit = backend.search(Query(text="channel", tokens=EVERYONE)).hits[0]
    assert "**" not in hit.snippet and "](" not in hit.snippet
    assert "<mark>channel</mark> 11 in the app" in hit.snippet
