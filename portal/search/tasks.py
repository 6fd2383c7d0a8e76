"""Index updates run in the background, after the change that caused them is committed."""

from django_tasks import task

from . import service


@task()
def index_sources_task(sources: list[str], subtrees: list[int]) -> int:
    """Re-index these sources and every help page under these pages (their addresses may have changed)."""
    from wagtail.models import Page

    from .documents import page_source

    wanted = set(sources)
    for root in Page.objects.filter(pk__in=subtrees):
        wanted.update(page_source(pk) for pk in Page.objects.descendant_of(root).values_list("pk", flat=True))
    return service.index_sources(wanted)
