"""Marks public pages served to anonymous readers as cacheable (see themes.page_cache)."""

from wagtail import hooks

from .page_cache import eligible_for_page_cache, mark_cacheable


@hooks.register("on_serve_page")
def cache_public_pages(next_serve_page):
    def serve(page, request, args, kwargs):
        response = next_serve_page(page, request, args, kwargs)
        if eligible_for_page_cache(request) and not page.get_view_restrictions():
            from knowledge_base.models import ArticlePage

            mark_cacheable(request, response, article_id=page.pk if isinstance(page, ArticlePage) else None)
        return response

    return serve
