"""Where the community meets support and the knowledge base: staff turn a topic into a private
request, or an accepted answer into a draft article. The community calls these apps' services;
they never call the community."""

from django.db import transaction
from django.utils.translation import gettext as _

from portal.markdown import markdown_to_text

from . import access
from .choices import ModerationAction, PostState
from .models import Post, Topic
from .services import CommunityError, _log


@transaction.atomic
def escalate_to_support(*, topic: Topic, actor, post: Post | None = None, topic_url: str):
    """Open a private support request for the author of a topic (or of one reply), linked both ways."""
    from tickets.models import RequestType
    from tickets.services import SupportError, open_ticket

    if not actor.has_perm("tickets.add_ticket"):
        raise CommunityError(_("Only support staff can do that."))
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    if topic.support_request:
        raise CommunityError(
            _("This topic was already passed to support as %(reference)s.") % {"reference": topic.support_request}
        )
    post = post or topic.posts.filter(is_opening=True).first()
    if post is None or post.topic_id != topic.pk or post.state == PostState.DELETED:
        raise CommunityError(_("That post cannot be passed to support."))
    request_type = RequestType.objects.filter(is_active=True).order_by("order", "pk").first()
    if request_type is None:
        raise CommunityError(_("Support has no request type to file this under."))
    description = "\n\n".join([post.body_source, "---", _("From the community: %(url)s") % {"url": topic_url}])
    try:
        ticket = open_ticket(
            requester=post.author,
            request_type=request_type,
            subject=topic.title,
            description=description,
            impact="minor",
            channel="community",
            created_by=actor,
        )
    except SupportError as error:
        raise CommunityError(str(error)) from None
    topic.support_request = ticket.reference
    topic.save(update_fields=["support_request"])
    _log(
        ModerationAction.ESCALATE, actor=actor, topic=topic, post=post, target_user=post.author, detail=ticket.reference
    )
    return ticket


@transaction.atomic
def promote_to_article(*, topic: Topic, actor):
    """Turn the accepted answer into a draft help article in the product's knowledge base."""
    from knowledge_base.services import draft_article, knowledge_base_for

    topic = (
        Topic.objects.select_for_update(of=("self",))
        .select_related("category", "accepted_post__author")
        .get(pk=topic.pk)
    )
    answer = topic.accepted_post
    if answer is None or answer.state != PostState.PUBLISHED:
        raise CommunityError(_("Only a topic with an accepted solution can become an article."))
    if topic.article_page_id:
        raise CommunityError(_("This answer is already an article."))
    parent = knowledge_base_for(topic.category.product_id)
    if parent is None:
        raise CommunityError(_("There is no knowledge base to put the article in."))
    if not parent.permissions_for_user(actor).can_add_subpage():
        raise CommunityError(_("You may not add articles to %(name)s.") % {"name": parent.title})
    question = topic.posts.filter(is_opening=True).first()
    summary = markdown_to_text(question.body_source, limit=300) if question else topic.title
    credit = _("Based on an answer by %(name)s in the community.") % {"name": answer.author.public_name}
    article = draft_article(
        parent=parent, title=topic.title, summary=summary, html=answer.body_html, owner=actor, credit=credit
    )
    topic.article_page_id = article.pk
    topic.save(update_fields=["article_page_id"])
    _log(
        ModerationAction.PROMOTE,
        actor=actor,
        topic=topic,
        post=answer,
        target_user=answer.author,
        detail=str(article.pk),
    )
    return article


def can_escalate(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.has_perm("tickets.add_ticket")


def can_promote(user) -> bool:
    return access.is_staff(user) and user.has_perm("wagtailadmin.access_admin")
