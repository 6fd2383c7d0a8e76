"""Wagtail's public pages are the same for every anonymous reader: mark them for shared caches."""

from wagtail import hooks

from .page_cache import cache_publicly, eligible


@hooks.register("on_serve_page")
def cache_public_pages(next_serve_page):
    def serve(page, request, args, kwargs):
        response = next_serve_page(page, request, args, kwargs)
        # Pages behind a view restriction (a password, a sign-in, a group) differ per reader.
        if eligible(request) and not page.get_view_restrictions():
            cache_publicly(request, response)
        return response

    return serve
