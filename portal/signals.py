"""What starts a new content version, and what HTTP caches in front must forget.

Cached article bodies, sidebars, brands and whole anonymous pages are kept under the content
version (portal.cache_versions), so each change below shows on the next request in every worker.

HTTP caches in front of the portal (Varnish, a CDN: WAGTAILFRONTENDCACHE) are purged by
wagtail.contrib.frontend_cache on publish and unpublish; here they are also purged of a moved
page's subtree (old and new addresses) and of the subtree under a view restriction that was added,
changed or removed, so no reader is served a page they may no longer see.
"""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from .cache_versions import CONTENT, bump


def content_changed(**kwargs) -> None:
    # After the commit too: a request that read the old rows during the transaction must not store
    # them under the version that follows it.
    bump(CONTENT)
    transaction.on_commit(lambda: bump(CONTENT))


def _front_caches() -> bool:
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def purge_subtree(page: Page, *, old_url_path: str | None = None) -> None:
    """Purge `page` and the pages below it from the caches in front; with `old_url_path` (a move),
    their addresses before the move too."""
    if not _front_caches():
        return
    batch = PurgeBatch()
    pages = Page.objects.descendant_of(page, inclusive=True).live()
    for each in pages:
        url = each.get_full_url()
        if not url:
            continue
        batch.add_url(url)
        if old_url_path is not None:
            # The path below the site's root is the url_path without its first segment.
            new_tail = "/" + each.url_path.split("/", 2)[-1]
            old_tail = "/" + (old_url_path + each.url_path[len(page.url_path) :]).split("/", 2)[-1]
            if url.endswith(new_tail):
                batch.add_url(url[: -len(new_tail)] + old_tail)
    transaction.on_commit(batch.purge)


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_delete, sender=Page)
@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
def _content_changed(sender, **kwargs) -> None:
    content_changed()


@receiver(post_page_move)
def _page_moved(sender, instance, url_path_before, **kwargs) -> None:
    content_changed()
    purge_subtree(instance, old_url_path=url_path_before)


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def _restriction_changed(sender, instance, **kwargs) -> None:
    content_changed()
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        purge_subtree(page)


@receiver(post_save)
def _alias_created(sender, instance, created, **kwargs) -> None:
    """An alias page takes its source's view restrictions: pages cached before it must go."""
    if created and isinstance(instance, Page) and instance.alias_of_id:
        content_changed()
