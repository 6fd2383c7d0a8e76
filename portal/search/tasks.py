"""Index updates run in the background, after the change that caused them is committed."""

from django.core.cache import cache
from django_tasks import task

from . import service

#: How long a source stays marked as waiting for its task: a lost task stops holding back others after this.
PENDING_SECONDS = 600


def _pending_key(source: str) -> str:
    return f"portal:search:pending:{source}"


def mark_pending(sources: list[str]) -> list[str]:
    """Mark these sources as waiting for an index task; returns those that were not already. With
    the shared cache away nothing can be known, so every source is returned."""
    return [source for source in sources if cache.add(_pending_key(source), 1, PENDING_SECONDS) is not False]


@task()
def index_sources_task(sources: list[str], subtrees: list[int]) -> int:
    """Re-index these sources and every help page under these pages (their addresses may have changed)."""
    from wagtail.models import Page

    from .documents import page_source

    # First: a change committed from now on marks its source again and queues another task.
    cache.delete_many([_pending_key(source) for source in sources])
    wanted = set(sources)
    for root in Page.objects.filter(pk__in=subtrees):
        wanted.update(page_source(pk) for pk in Page.objects.descendant_of(root).values_list("pk", flat=True))
    return service.index_sources(wanted)
