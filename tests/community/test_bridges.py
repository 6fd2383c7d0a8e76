"""Staff pass a topic to support, or make an accepted answer a draft article, in one action."""

import pytest
from django.urls import reverse

from community import bridges, services
from community.choices import ModerationAction
from community.models import ModerationLogEntry
from knowledge_base.models import ArticlePage, HelpIndexPage, KnowledgeBasePage
from tests.factories import UserFactory
from tests.knowledge_base.conftest import publish
from tickets.choices import Channel
from tickets.models import Queue, RequestType, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_type(db):
    queue = Queue.objects.create(name="Community", slug="community")
    return RequestType.objects.create(name="Question", queue=queue)


@pytest.fixture
def knowledge_base(site):
    help_index = HelpIndexPage.objects.child_of(site.root_page).get()
    page = KnowledgeBasePage(title="Router", slug="router")
    help_index.add_child(instance=page)
    publish(page)
    return page


def test_an_agent_passes_a_topic_to_support_for_its_author(client, site, question, helper, request_type):
    agent = UserFactory(role="agent")
    reply = services.reply(topic=question, author=helper, body="I have the same problem, with logs")
    client.force_login(agent)
    response = client.post(reverse("community_moderation:escalate", args=[question.pk]), {"post": reply.pk})
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/support/{ticket.pk}/"
    assert (ticket.requester, ticket.channel, ticket.subject) == (helper, Channel.COMMUNITY, question.title)
    assert question.get_absolute_url() in ticket.description_source
    question.refresh_from_db()
    assert question.support_request == ticket.reference
    assert ModerationLogEntry.objects.filter(action=ModerationAction.ESCALATE, detail=ticket.reference).exists()
    # The desk shows the customer's community life beside the request.
    desk = client.get(response["Location"]).content.decode()
    assert "Community profile" in desk and "Trust level 2" in desk
    # Once only; and the author sees where it went.
    with pytest.raises(services.CommunityError, match="already"):
        bridges.escalate_to_support(topic=question, actor=agent, topic_url="/")
    client.force_login(question.author)
    assert ticket.reference in client.get(question.get_absolute_url()).content.decode()
    client.force_login(UserFactory())
    assert ticket.reference not in client.get(question.get_absolute_url()).content.decode()


def test_customers_and_moderators_without_the_desk_cannot_escalate(question, asker, moderator, request_type):
    for person in (asker, moderator):
        with pytest.raises(services.CommunityError, match="support staff"):
            bridges.escalate_to_support(topic=question, actor=person, topic_url="/")
    assert not Ticket.objects.exists()


def test_an_editor_makes_the_accepted_answer_a_draft_article(client, site, question, asker, helper, knowledge_base):
    editor = UserFactory(role="editor")
    answer = services.reply(topic=question, author=helper, body="Set **channel 6**.\n\n<script>x</script>")
    with pytest.raises(services.CommunityError, match="accepted solution"):
        bridges.promote_to_article(topic=question, actor=editor)
    services.accept_solution(topic=question, post=answer, actor=asker)
    client.force_login(editor)
    response = client.post(reverse("community_moderation:promote", args=[question.pk]))
    article = ArticlePage.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/pages/{article.pk}/edit/"
    assert not article.live and article.get_parent().specific == knowledge_base
    assert article.title == question.title and article.content_owner == editor
    body = str(article.body)
    assert "<b>channel 6</b>" in body or "<strong>channel 6</strong>" in body
    assert "<script" not in body and "Hana Helper" in body
    question.refresh_from_db()
    assert question.article_page_id == article.pk
    # Not shown on the topic until it is published.
    assert "is now a help article" not in client.get(question.get_absolute_url()).content.decode()
    publish(article)
    assert "is now a help article" in client.get(question.get_absolute_url()).content.decode()


def test_customers_cannot_promote(question, asker, helper, knowledge_base):
    answer = services.reply(topic=question, author=helper, body="Answer")
    services.accept_solution(topic=question, post=answer, actor=asker)
    with pytest.raises(services.CommunityError, match="may not add"):
        bridges.promote_to_article(topic=question, actor=asker)
