"""What people write in the community: Markdown → safe HTML, watched words, links, mentions."""

import re
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.html import escape
from django.utils.translation import gettext as _

from portal.markdown import render_markdown
from portal.text import INVISIBLE

from .choices import WordAction

MENTION = re.compile(r"(?<![\w@/])@([a-z0-9][a-z0-9_-]{1,39})", re.IGNORECASE)
_TAG = re.compile(r"(<[^>]+>)")
BARE_URL = re.compile(r"(https?://|www\.)\S", re.IGNORECASE)
MAX_LENGTH = 50_000
WORDS_CACHE_KEY = "community:watched-words"


class TextRejected(Exception):
    """The text cannot be posted; the message says why, in the writer's language."""


@dataclass
class CheckedText:
    source: str
    html: str
    needs_approval: bool = False
    mentions: set[str] = field(default_factory=set)


def clean_source(text: str) -> str:
    return (text or "").translate(INVISIBLE).replace("\r\n", "\n").strip()


def watched_words() -> list[tuple[str, str]]:
    from .models import WatchedWord

    words = cache.get(WORDS_CACHE_KEY)
    if words is None:
        words = list(WatchedWord.objects.values_list("word", "action"))
        cache.set(WORDS_CACHE_KEY, words, 300)
    return words


def forget_watched_words() -> None:
    cache.delete(WORDS_CACHE_KEY)


def _word_pattern(word: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)


def apply_watched_words(text: str) -> tuple[str, bool]:
    """Censor what must be censored; raise on blocked words; say whether a moderator must approve."""
    needs_approval = False
    for word, action in watched_words():
        pattern = _word_pattern(word)
        if not pattern.search(text):
            continue
        if action == WordAction.BLOCK:
            raise TextRejected(_("Your post contains a word that is not allowed here: “%(word)s”.") % {"word": word})
        if action == WordAction.CENSOR:
            text = pattern.sub(lambda match: "*" * len(match.group(0)), text)
        else:
            needs_approval = True
    return text, needs_approval


def link_mentions(html: str, handles: dict[str, str]) -> str:
    """Turn @handle into a profile link, outside links and code."""
    if not handles:
        return html
    parts = _TAG.split(html)
    depth = 0  # inside <a>, <code> or <pre>
    for index, part in enumerate(parts):
        if part.startswith("<"):
            name = part[1:].split(None, 1)[0].rstrip(">").lower() if len(part) > 2 else ""
            if name in {"a", "code", "pre"}:
                depth += 1
            elif name in {"/a", "/code", "/pre"}:
                depth = max(depth - 1, 0)
            continue
        if depth:
            continue

        def replace(match):
            url = handles.get(match.group(1).lower())
            if url is None:
                return match.group(0)
            return f'<a class="mention" href="{escape(url)}">@{escape(match.group(1))}</a>'

        parts[index] = MENTION.sub(replace, part)
    return "".join(parts)


def mentioned_handles(source: str) -> set[str]:
    return {handle.lower() for handle in MENTION.findall(source)}


def prepare(source: str, *, may_link: bool, handle_urls=None) -> CheckedText:
    """Check and render a post: the stored Markdown, its safe HTML, and who it mentions.

    `may_link` False (a new person): links and images hold the post for a moderator."""
    source = clean_source(source)
    if not source:
        raise TextRejected(_("Write something first."))
    if len(source) > MAX_LENGTH:
        raise TextRejected(
            _("Posts can be at most %(limit)s characters long; this one has %(count)s.")
            % {"limit": MAX_LENGTH, "count": len(source)}
        )
    source, needs_approval = apply_watched_words(source)
    html = render_markdown(source)
    if not may_link and ("<a " in html or "<img" in html or BARE_URL.search(source)):
        needs_approval = True  # links and images from new people are a spammer's tool: a moderator looks first
    mentions = mentioned_handles(source)
    if handle_urls is not None and mentions:
        html = link_mentions(html, handle_urls(mentions))
    return CheckedText(source=source, html=html, needs_approval=needs_approval, mentions=mentions)
