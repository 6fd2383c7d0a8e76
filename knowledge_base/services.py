"""Writes of the knowledge base: feedback, review tasks, follows, view counts, reminders."""

import datetime
from collections import defaultdict

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Page

from portal.notifications.services import notify

from .choices import ReviewTaskStatus
from .models import (
    ArticleDailyViews,
    ArticleFeedback,
    ArticlePage,
    Follow,
    KnowledgeBasePage,
    ReviewReminder,
    ReviewTask,
)


@transaction.atomic
def record_feedback(
    *, article: ArticlePage, user=None, session_key: str = "", helpful: bool, reason: str = "", comment: str = ""
) -> ArticleFeedback:
    """Store or change one reader's vote. A “no” with a reason opens (or adds to) the owner's review task."""
    voter = {"user": user} if user is not None else {"user": None, "session_key": session_key}
    values = {"helpful": helpful, "reason": "" if helpful else reason, "comment": "" if helpful else comment}
    try:
        with transaction.atomic():
            feedback, _created = ArticleFeedback.objects.update_or_create(article=article, **voter, defaults=values)
    except IntegrityError:  # the same reader's concurrent request won the race: update theirs
        feedback = ArticleFeedback.objects.get(article=article, **voter)
        ArticleFeedback.objects.filter(pk=feedback.pk).update(**values)
        feedback.refresh_from_db()
    if not helpful and reason:
        task = open_review_task(article=article)
        task.feedback.add(feedback)
        ReviewTask.objects.filter(pk=task.pk).update(updated_at=timezone.now())
    return feedback


def open_review_task(*, article: ArticlePage) -> ReviewTask:
    """The article's open review task, created if there is none (at most one open per article)."""
    task = ReviewTask.objects.filter(article=article, status=ReviewTaskStatus.OPEN).first()
    if task is not None:
        return task
    try:
        with transaction.atomic():
            return ReviewTask.objects.create(article=article)
    except IntegrityError:
        return ReviewTask.objects.get(article=article, status=ReviewTaskStatus.OPEN)


def close_review_tasks(*, article: ArticlePage, revision) -> int:
    """Publishing a new revision answers the readers' feedback: close the open task."""
    return ReviewTask.objects.filter(article=article, status=ReviewTaskStatus.OPEN).update(
        status=ReviewTaskStatus.CLOSED, closed_at=timezone.now(), closed_by_revision=revision
    )


def toggle_follow(*, user, page: Page) -> bool:
    """Follow or stop following; returns True when the person now follows the page."""
    deleted, _rows = Follow.objects.filter(user=user, page=page).delete()
    if deleted:
        return False
    Follow.objects.get_or_create(user=user, page=page)
    return True


def notify_followers_of_update(*, article: ArticlePage, published_by=None) -> None:
    """Tell the people following the article, or a section above it, that it changed."""
    watched_pages = [article.pk, *article.get_ancestors().values_list("pk", flat=True)]
    followers = {follow.user for follow in Follow.objects.filter(page_id__in=watched_pages).select_related("user")}
    followers.discard(published_by)
    from .permissions import readers_among

    by_language = defaultdict(list)
    for person in readers_among(followers, article.audience):
        by_language[person.locale].append(person)
    for language, people in by_language.items():
        with translation.override(language):
            title = _("Updated: %(title)s") % {"title": article.title}
            notify(
                recipients=people, kind="kb.article_updated", title=title, url=article.url or "", body=article.summary
            )


VIEW_KEY = "kb:views:{day}:{pk}"


def record_view(article_id: int) -> None:
    """Count a view in the cache; `flush_view_counts` writes the totals to the database in batches."""
    key = VIEW_KEY.format(day=timezone.localdate().isoformat(), pk=article_id)
    try:
        cache.incr(key)
    except ValueError:
        if not cache.add(key, 1, timeout=3 * 24 * 3600):
            cache.incr(key)


def flush_view_counts(days: int = 2) -> int:
    """Move the cached view counters of recent days into ArticleDailyViews. Returns the views moved."""
    ids = list(ArticlePage.objects.values_list("pk", flat=True))
    moved = 0
    today = timezone.localdate()
    for offset in range(days):
        day = today - datetime.timedelta(days=offset)
        keys = {VIEW_KEY.format(day=day.isoformat(), pk=pk): pk for pk in ids}
        counts = cache.get_many(list(keys))
        for key, count in counts.items():
            if not count:
                continue
            article_id = keys[key]
            with transaction.atomic():
                row, created = ArticleDailyViews.objects.get_or_create(
                    article_id=article_id, day=day, defaults={"views": count}
                )
                if not created:
                    ArticleDailyViews.objects.filter(pk=row.pk).update(views=F("views") + count)
            # Subtract rather than delete, so views counted meanwhile are kept for the next flush.
            cache.decr(key, count)
            moved += count
    return moved


def overdue_articles():
    return ArticlePage.objects.live().filter(review_by__lt=timezone.localdate(), content_owner__isnull=False)


def send_review_reminders() -> int:
    """E-mail each owner their overdue reviews, once per article and due date. Returns reminders sent."""
    pending = defaultdict(list)
    overdue = list(overdue_articles().select_related("content_owner"))
    already_sent = set(
        ReviewReminder.objects.filter(article__in=overdue).values_list("article_id", "review_by", "owner_id")
    )
    for article in overdue:
        if (article.pk, article.review_by, article.content_owner_id) not in already_sent:
            pending[article.content_owner].append(article)
    sent = 0
    for owner, articles in pending.items():
        with transaction.atomic():
            ReviewReminder.objects.bulk_create(
                [ReviewReminder(article=a, review_by=a.review_by, owner=owner) for a in articles],
                ignore_conflicts=True,
            )
            with translation.override(owner.locale):
                count = len(articles)
                title = ngettext(
                    "%(count)d help article is due for review", "%(count)d help articles are due for review", count
                ) % {"count": count}
                body = "\n".join(f"{a.title} ({a.review_by:%Y-%m-%d})" for a in articles)
                notify(
                    recipients=[owner],
                    kind="kb.review_due",
                    title=title,
                    url="/admin/reports/overdue-reviews/",
                    body=body,
                )
        sent += len(articles)
    return sent


#: What survives of a community post in an article paragraph (the rich-text editor's features).
DRAFT_TAGS = {"p", "br", "strong", "b", "em", "i", "a", "ul", "ol", "li", "code"}


def knowledge_base_for(product_id: int | None) -> KnowledgeBasePage | None:
    """The knowledge base of a product (in the default language), or the first one there is."""
    from wagtail.models import Locale

    bases = KnowledgeBasePage.objects.filter(locale=Locale.get_default()).order_by("path")
    if product_id:
        match = bases.filter(product_id=product_id).first()
        if match is not None:
            return match
    return bases.first()


@transaction.atomic
def draft_article(*, parent: Page, title: str, summary: str, html: str, owner, credit: str = "") -> ArticlePage:
    """A new article, saved as a draft (not published) for editors to finish through the workflow."""
    import bleach

    paragraphs = bleach.clean(html, tags=DRAFT_TAGS, attributes={"a": ["href"]}, strip=True)
    body = [("paragraph", paragraphs)]
    if credit:
        body.append(("callout", {"kind": "note", "text": f"<p>{bleach.clean(credit)}</p>"}))
    article = ArticlePage(
        title=title[:255],
        summary=summary[:300],
        body=body,
        content_owner=owner,
        live=False,
        owner=owner,
    )
    parent.add_child(instance=article)
    article.save_revision(user=owner)
    return article
