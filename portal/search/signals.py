"""Keep the index in step with the content: publish, unpublish, edit, move, delete, restrict, share.

Each change is indexed in a background task after its transaction commits; a rolled-back
change indexes nothing. The task re-reads the source, so a repeated or late task is harmless.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from community.models import Category, Topic
from community.signals import similar_content_finders, topics_changed
from portal.accounts.models import Organisation
from portal.cache_versions import SEARCH, bump
from portal.page_cache import served_from_cache
from tickets.models import Message, Ticket

from .documents import page_source, request_source, topic_source
from .models import SynonymGroup
from .service import record_search


def schedule(sources=(), subtrees=()) -> None:
    """Index these sources (and the help pages under these pages) once the transaction commits."""
    sources, subtrees = sorted(set(sources)), sorted(set(subtrees))
    if sources or subtrees:
        transaction.on_commit(lambda: _enqueue(sources, subtrees))


def _enqueue(sources: list[str], subtrees: list[int]) -> None:
    from .tasks import index_sources_task, mark_pending

    if not subtrees:
        # A source already waiting for its task is not queued again: a busy topic or request
        # changed fifty times while the queue was long is indexed once, from what it is by then.
        sources = mark_pending(sources)
        if not sources:
            return
    index_sources_task.enqueue(sources, subtrees)


def _page_changed(page) -> None:
    if page.is_leaf():
        schedule(sources=[page_source(page.pk)])
    else:
        schedule(sources=[page_source(page.pk)], subtrees=[page.pk])


@receiver(page_published)
def page_was_published(sender, instance, **kwargs) -> None:
    _page_changed(instance)


@receiver(page_unpublished)
def page_was_unpublished(sender, instance, **kwargs) -> None:
    _page_changed(instance)


@receiver(page_slug_changed)
def page_slug_was_changed(sender, instance, **kwargs) -> None:
    _page_changed(instance)


@receiver(post_page_move)
def page_was_moved(sender, instance, **kwargs) -> None:
    _page_changed(instance)


@receiver(post_delete)
def page_was_deleted(sender, instance, **kwargs) -> None:
    # Deleting a specific page deletes its Page row too; react once, to the Page row.
    if sender is Page:
        schedule(sources=[page_source(instance.pk)])


@receiver([post_save, post_delete], sender=PageViewRestriction)
def restriction_changed(sender, instance, **kwargs) -> None:
    _page_changed(instance.page)


#: What a request's search entry is made of; saves that touch only other fields (SLA due times,
#: assignment, counters) leave the entry as it is.
INDEXED_REQUEST_FIELDS = frozenset({"subject", "description_source", "requester", "organisation", "status"})


@receiver(post_save, sender=Ticket)
def request_saved(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields is not None and not INDEXED_REQUEST_FIELDS & set(update_fields):
        return
    schedule(sources=[request_source(instance.pk)])


@receiver(post_delete, sender=Ticket)
def request_deleted(sender, instance, **kwargs) -> None:
    schedule(sources=[request_source(instance.pk)])


@receiver(post_save, sender=Message)
def message_saved(sender, instance, **kwargs) -> None:
    schedule(sources=[request_source(instance.ticket_id)])


@receiver(m2m_changed, sender=Ticket.cc.through)
def request_cc_changed(sender, instance, action, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, Ticket):
        schedule(sources=[request_source(instance.pk)])
    elif pk_set:
        schedule(sources=[request_source(pk) for pk in pk_set])


@receiver(pre_save, sender=Organisation)
def remember_sharing(sender, instance, **kwargs) -> None:
    instance._shared_before = (
        Organisation.objects.filter(pk=instance.pk).values_list("members_share_requests", flat=True).first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=Organisation)
def organisation_saved(sender, instance, created, **kwargs) -> None:
    # Sharing requests within an organisation changes who finds them.
    if created or getattr(instance, "_shared_before", None) == instance.members_share_requests:
        return
    ids = Ticket.objects.filter(organisation=instance).values_list("pk", flat=True)
    schedule(sources=[request_source(pk) for pk in ids])


@receiver(topics_changed)
def _topics_changed(sender, topic_ids, **kwargs):
    schedule(sources=[topic_source(pk) for pk in topic_ids])


@receiver(pre_save, sender=Category)
def _remember_category_access(sender, instance, **kwargs):
    before = (
        Category.objects.filter(pk=instance.pk).values("audience", "is_active", "product_id", "name", "site_id").first()
    )
    instance._search_before = before


@receiver(post_save, sender=Category)
def _category_saved(sender, instance, created, **kwargs):
    before = getattr(instance, "_search_before", None)
    now = {"audience": instance.audience, "is_active": instance.is_active, "product_id": instance.product_id,
           "name": instance.name, "site_id": instance.site_id}  # fmt: skip
    if created or before == now:
        return  # who may read its topics, and what they show, did not change
    ids = Topic.objects.filter(category=instance).values_list("pk", flat=True)
    schedule(sources=[topic_source(pk) for pk in ids])


def _similar_for_new_topic(title: str, user, site_id: int | None = None):
    from . import service
    from .access import reader_tokens
    from .backends.base import Query

    return service.suggest(Query(text=title, tokens=tuple(reader_tokens(user)), site_id=site_id), limit=5)


similar_content_finders.append(_similar_for_new_topic)


@receiver([post_save, post_delete], sender=SynonymGroup)
def _synonyms_changed(sender, **kwargs):
    """Searches read the groups again (the database backend applies them to each query; an
    Elasticsearch index takes them when it is next rebuilt: `manage.py search_index rebuild`)."""
    transaction.on_commit(lambda: bump(SEARCH))


@receiver(served_from_cache)
def record_cached_search(sender, request, facts, **kwargs) -> None:
    """A visitor's search page answered from the page cache is still a search (see views.search)."""
    if "search" in facts:
        record_search(**facts["search"])
