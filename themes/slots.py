"""Named places in the templates that other apps fill (aimed content on the home page, …).

A template marks a place with `{% slot "home" %}`; an app registers a renderer for that name
(`register("home", render)`, a function of the request returning HTML, "" for nothing). Themes is
the base every app builds on, so it never imports them: they come to it. A renderer must give
anonymous readers the same HTML for everyone, as their pages are cached whole.
"""

from collections.abc import Callable

from django.utils.html import format_html_join
from django.utils.safestring import SafeString

_renderers: dict[str, list[Callable]] = {}


def register(name: str, renderer: Callable) -> None:
    if renderer not in _renderers.setdefault(name, []):
        _renderers[name].append(renderer)


def render(name: str, request) -> SafeString:
    parts = [renderer(request) for renderer in _renderers.get(name, [])]
    # Rendered templates pass as they are; any plain text a renderer returns is escaped.
    return format_html_join("", "{}", ((part,) for part in parts if part))
