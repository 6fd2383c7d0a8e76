"""The site's shell (base.html) around a page body rendered in Python or Jinja2, from a cached frame.

Everything base.html shows around a body depends on the language, the site and its branding, the
section of the site and whether someone is signed in — except the page's title, its head elements,
the body itself, the visitor's CSRF token and the address the language choice returns to. So the
shell is rendered once per combination with placeholders in those five places, kept by each
process (settings: FRAGMENT_CACHE), and filled in on every request: rendering it with Django's
templates each time cost about a quarter of a rendered topic page.

A request with messages to show, or whose page is not translated yet, gets the shell rendered in
full as before.
"""

import re

from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString

from .brand import current_generation
from .context_processors import site_section

TEMPLATE = "shell.html"
SHELL_SECONDS = 3600
_SLOTS = ("title", "head", "body", "csrf", "next")
# Placeholders no page prints and Django's escaping leaves as they are.
_MARK = {slot: f"\u27e6portal-shell:{slot}\u27e7" for slot in _SLOTS}
_SPLIT = re.compile("(" + "|".join(re.escape(mark) for mark in _MARK.values()) + ")")
_BY_MARK = {mark: slot for slot, mark in _MARK.items()}
_CSRF_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_NEXT_FIELD = re.compile(r'(<input name="next" type="hidden" value=")[^"]*(")')


def render_in_shell(request, *, title: str, body: SafeString, head: SafeString = "", status: int = 200) -> HttpResponse:
    """The page: `body` (safe markup) inside the site's shell, `title` (text) in its title element and
    `head` (safe markup: meta, link and script elements) in its head."""
    if len(get_messages(request)) or getattr(request, "translation_missing", False):
        context = {"title": title, "head": head, "body": body}
        return render(request, TEMPLATE, context, status=status)
    values = {
        "title": conditional_escape(title),
        "head": head,
        "body": body,
        "csrf": get_token(request),
        "next": escape(request.get_full_path()),
    }
    parts = _frame(request)
    html = "".join(values[part[1:]] if part[:1] == "\0" else part for part in parts)
    return HttpResponse(html, status=status)


def _frame(request) -> list[str]:
    """The shell's text split at its placeholders (a placeholder is "\\0" + its slot's name)."""
    signed_in = request.user.is_authenticated
    key = (
        f"shell:{current_generation()}:{request.get_host()}:{translation.get_language()}:"
        f"{site_section(request)}:{int(signed_in)}"
    )
    fragments = caches["template_fragments"]
    parts = fragments.get(key)
    if parts is None:
        html = render_to_string(
            TEMPLATE, {"title": _MARK["title"], "head": _MARK["head"], "body": _MARK["body"]}, request
        )
        html = _CSRF_FIELD.sub(rf"\g<1>{_MARK['csrf']}\g<2>", html)
        html = _NEXT_FIELD.sub(rf"\g<1>{_MARK['next']}\g<2>", html)
        parts = ["\0" + _BY_MARK[piece] if piece in _BY_MARK else piece for piece in _SPLIT.split(html)]
        if sorted(part[1:] for part in parts if part[:1] == "\0") != sorted(_SLOTS):
            raise ValueError(f"{TEMPLATE} must print each of {_SLOTS} once")
        fragments.set(key, parts, SHELL_SECONDS)
    return parts
