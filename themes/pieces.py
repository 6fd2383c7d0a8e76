"""Pieces rendered into a page: an empty form, a filter bar, pagination.

They are rendered without the request (the page around them has run the context processors
already). A piece that looks the same to everyone who sees it is rendered once per process,
language and `variant` and then read from the per-process fragment cache (settings:
FRAGMENT_CACHE); the variant names everything else the piece depends on.
"""

from collections.abc import Callable

from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString

PIECE_SECONDS = 3600


def render_piece(template: str, context: dict | Callable[[], dict], *, variant: str | None = None) -> SafeString:
    """`context` may be a function returning the context, called only when the piece is rendered."""
    if variant is None:
        return render_to_string(template, context() if callable(context) else context)
    fragments = caches["template_fragments"]
    key = f"piece:{template}:{variant}:{translation.get_language()}"
    html = fragments.get(key)
    if html is None:
        html = render_to_string(template, context() if callable(context) else context)
        fragments.set(key, html, PIECE_SECONDS)
    return html
