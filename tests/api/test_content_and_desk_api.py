"""Help articles, search and the community through the API, and the desk for agents: each
endpoint answers each role as its page does."""

import json

import pytest

from community.services import start_topic
from portal.api.models import PersonalToken
from tests.factories import UserFactory
from tickets import services
from tickets.choices import Impact

pytestmark = pytest.mark.django_db


def token(person, *scopes) -> dict:
    _made, secret = PersonalToken.make(person=person, name="t", scopes=list(scopes), days=7)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def titles(answer) -> set[str]:
    assert answer.status_code == 200, answer.content
    return {row["title"] for row in answer.json()["results"]}


def test_articles_are_read_by_audience(client, kb, customer):
    anonymous = titles(client.get("/api/v1/kb/articles/"))
    assert "Set up the router" in anonymous and "Register for warranty" not in anonymous
    signed_in = titles(client.get("/api/v1/kb/articles/", **token(customer, "kb:read")))
    assert "Register for warranty" in signed_in and "Priority hotline number" not in signed_in
    one = client.get(f"/api/v1/kb/articles/{kb.members_only.pk}/", **token(customer, "kb:read"))
    assert one.status_code == 404
    article = client.get(f"/api/v1/kb/articles/{kb.public.pk}/").json()
    assert article["url"].endswith("/set-up-the-router/") and "body_html" in article
    faq = client.get(f"/api/v1/kb/faqs/{kb.faq.pk}/").json()
    assert faq["items"][0]["question"] == "Does it work with fibre?"


def test_search_finds_what_the_caller_may_read(client, kb):
    found = client.get("/api/v1/search/", {"q": "router"}).json()
    assert found["count"] >= 1
    assert all("Priority hotline" not in hit["title"] for hit in found["results"])
    assert client.get("/api/v1/search/").status_code == 400
    assert client.get("/api/v1/search/", {"q": "router", "page": "x"}).status_code == 400


def test_the_community_reads_and_posts_as_the_person(client, questions, members_only, asker, helper):
    topic = start_topic(category=questions, author=asker, title="Router keeps restarting", body="Every hour.")
    start_topic(category=members_only, author=UserFactory(is_superuser=True), title="Members talk here", body="…")
    visible = titles(client.get("/api/v1/community/topics/"))
    assert visible == {"Router keeps restarting"}
    slugs = {row["slug"] for row in client.get("/api/v1/community/categories/").json()}
    assert "lounge" not in slugs and "router" in slugs
    writer = token(helper, "community:read", "community:write")
    replied = client.post(
        f"/api/v1/community/topics/{topic.pk}/posts/", json.dumps({"body": "Try a new cable."}),
        content_type="application/json", **writer,
    )  # fmt: skip
    assert replied.status_code == 201, replied.content
    posts = client.get(f"/api/v1/community/topics/{topic.pk}/posts/").json()["results"]
    assert any("Try a new cable." in post["body_html"] for post in posts)
    started = client.post(
        "/api/v1/community/topics/", json.dumps({"category": "router", "title": "Firmware 2.1 is out", "body": "Yes."}),
        content_type="application/json", HTTP_IDEMPOTENCY_KEY="t1", **writer,
    )  # fmt: skip
    assert started.status_code == 201, started.content
    members = client.post(
        "/api/v1/community/topics/", json.dumps({"category": "lounge", "title": "Let me in", "body": "Please."}),
        content_type="application/json", **writer,
    )  # fmt: skip
    assert members.status_code == 400  # a category they cannot read does not exist for them
    read_only = token(helper, "community:read")
    refused = client.post(
        f"/api/v1/community/topics/{topic.pk}/posts/", json.dumps({"body": "No scope."}),
        content_type="application/json", **read_only,
    )  # fmt: skip
    assert refused.status_code == 403
    assert client.post("/api/v1/community/topics/", {}, content_type="application/json").status_code in {401, 403}


def test_the_desk_is_for_agents(client, agent, customer, request_type):
    ticket = services.open_ticket(
        requester=customer, request_type=request_type, subject="Cannot log in", description="…",
        impact=Impact.MINOR, fields={"version": "2"},
    )  # fmt: skip
    desk = token(agent, "desk")
    listed = client.get("/api/v1/desk/requests/", {"view": "open"}, **desk).json()["results"]
    assert [row["id"] for row in listed] == [ticket.pk]
    changed = client.patch(
        f"/api/v1/desk/requests/{ticket.pk}/", json.dumps({"priority": "high", "assignee": agent.email}),
        content_type="application/json", **desk,
    )  # fmt: skip
    assert changed.status_code == 200, changed.content
    assert changed.json()["priority"] == "high" and changed.json()["assignee"] == agent.email
    wrong = client.patch(
        f"/api/v1/desk/requests/{ticket.pk}/", json.dumps({"status": "lost", "assignee": "nobody@example.com"}),
        content_type="application/json", **desk,
    )  # fmt: skip
    assert wrong.status_code == 400 and set(wrong.json()["errors"]) == {"status", "assignee"}
    assert (
        client.post(f"/api/v1/desk/requests/{ticket.pk}/notes/", {"body": "Check the logs."}, **desk).status_code == 201
    )
    assert (
        client.post(f"/api/v1/desk/requests/{ticket.pk}/replies/", {"body": "Try again now."}, **desk).status_code
        == 201
    )
    detail = client.get(f"/api/v1/desk/requests/{ticket.pk}/", **desk).json()
    assert [m["is_internal"] for m in detail["messages"]][-2:] == [True, False]
    # The customer sees the reply, not the note.
    mine = client.get(f"/api/v1/requests/{ticket.reference}/messages/", **token(customer, "requests:read")).json()
    assert "Try again now." in mine[-1]["body_html"] and all("logs" not in m["body_html"] for m in mine)
    # A customer whose token somehow carries the desk scope is still not an agent.
    assert client.get("/api/v1/desk/requests/", **token(customer, "desk")).status_code == 403
    assert client.get("/api/v1/desk/requests/", {"view": "nonsense"}, **desk).status_code == 400
