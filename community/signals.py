"""What the community tells other apps. Search listens here to keep topics findable."""

import uuid

from django.dispatch import Signal

#: Sent after commit with `topic_ids`: topics whose text, visibility or place changed.
topics_changed = Signal()

GENERATION_KEY = "community:generation"


def generation() -> str:
    """The version of the community's pages; cached anonymous pages are kept per version."""
    from django.core.cache import cache

    return cache.get_or_set(GENERATION_KEY, lambda: uuid.uuid4().hex[:8], None)


def pages_changed() -> None:
    from django.core.cache import cache

    cache.set(GENERATION_KEY, uuid.uuid4().hex[:8], None)


#: Functions `(title, user) -> list of hits (title, url, kind)` that find what may already answer a
#: new topic. Search registers itself here, so the community never imports it.
similar_content_finders: list = []


def similar_content(title: str, user) -> list:
    for finder in similar_content_finders:
        try:
            return list(finder(title, user))
        except Exception:
            return []
    return []
