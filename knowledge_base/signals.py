"""Reactions to publishing: close answered review tasks, tell followers; shared text is content."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published

from portal.cache_versions import CONTENT, bump

from . import services
from .models import ArticlePage, SharedText


@receiver(post_save, sender=SharedText)
@receiver(post_delete, sender=SharedText)
def shared_text_changed(sender, **kwargs) -> None:
    """Articles show shared text inside their cached bodies."""
    bump(CONTENT)


@receiver(page_published, sender=ArticlePage)
def article_published(sender, instance: ArticlePage, revision, **kwargs) -> None:
    services.close_review_tasks(article=instance, revision=revision)
    # Any publish is news to followers: of the article (an update) or of a section (a new article).
    publisher = getattr(revision, "user", None)
    transaction.on_commit(lambda: services.notify_followers_of_update(article=instance, published_by=publisher))
