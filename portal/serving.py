"""Serving Wagtail pages with the site and its home page looked up once, then taken from the cache.

Wagtail finds the site for every request and then the home page in the reader's language (four
queries) before it routes. Both change only when sites or pages change, which starts a new content
generation (themes.brand), so they are cached per host and language under that generation.
"""

from django.core.cache import cache
from django.http import Http404
from django.utils import translation
from wagtail import views as wagtail_views
from wagtail.models import Site

from themes.brand import current_generation

ROOT_CACHE_SECONDS = 600


def _site_and_home(request):
    key = f"serving:{current_generation()}:{request.get_host()}:{translation.get_language()}"
    found = cache.get(key)
    if found is None:
        site = Site.find_for_request(request)
        found = (site, site.root_page.localized.specific) if site is not None else (None, None)
        cache.set(key, found, ROOT_CACHE_SECONDS)
    return found


def serve(request, path):
    """Wagtail's page view, with the routing start point taken from the cache."""
    site, home = _site_and_home(request)
    if site is not None:
        request._wagtail_site = site
        components = [component for component in path.split("/") if component]
        try:
            request._wagtail_route_for_request = home.route(request, components)
        except Http404:
            request._wagtail_route_for_request = None
    return wagtail_views.serve(request, path)


def _restriction_map() -> tuple[frozenset[str], frozenset[str]]:
    """Tree paths of the pages with view restrictions, and of alias pages, for this content
    generation (restrictions and aliases start a new one when they change)."""
    key = f"serving:restrictions:{current_generation()}"
    found = cache.get(key)
    if found is None:
        from wagtail.models import Page, PageViewRestriction

        restricted = frozenset(PageViewRestriction.objects.values_list("page__path", flat=True))
        aliases = frozenset(Page.objects.filter(alias_of__isnull=False).values_list("path", flat=True))
        found = (restricted, aliases)
        cache.set(key, found, ROOT_CACHE_SECONDS)
    return found


def may_be_restricted(page) -> bool:
    """Whether a view restriction can apply to the page: one on it or an ancestor, or an alias on
    the way (whose source's restrictions apply). Only then does Wagtail's own check run."""
    restricted, aliases = _restriction_map()
    if not restricted and not aliases:
        return False
    step = page.steplen
    own_and_ancestors = {page.path[:end] for end in range(step, len(page.path) + 1, step)}
    return not own_and_ancestors.isdisjoint(restricted) or not own_and_ancestors.isdisjoint(aliases)
