"""Every e-mail the portal writes, rendered in each language: no English sentence is left over."""

import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.utils import translation

TEMPLATES = Path(__file__).resolve().parents[2] / "themes" / "templates"
EMAILS = sorted(
    str(path.relative_to(TEMPLATES))
    for path in TEMPLATES.rglob("*")
    if path.suffix in (".txt", ".html") and "email" in path.parts[-2] and "security_note" not in path.name
)
# Each kind in each of its shapes: the first reply and the solved request of a support e-mail, and so on.
FIGURES = {"first": {"business_median": 3600}}
CONTEXTS = [
    {},
    {"event": "received"},
    {"event": "solved"},
    {"event": "reply", "survey": {"good": "/g", "bad": "/b", "stop": "/s"}},
]
TAG = re.compile(r"<[^>]+>")


def sentences(text: str) -> set[str]:
    """The lines of words in a rendered e-mail: no addresses, placeholders or names."""
    lines = (TAG.sub(" ", line).strip() for line in text.splitlines())
    return {line for line in lines if len(line) > 20 and "://" not in line and not line.startswith("/")}


def render(template: str, context: dict, language: str) -> str:
    with translation.override(language):
        return render_to_string(template, {"brand_name": "Acme", "now": FIGURES, "before": FIGURES, **context})


def test_the_e_mail_templates_are_found():
    assert len(EMAILS) >= 30 and "account/email/password_reset_key_message.html" in EMAILS


@pytest.mark.parametrize("template", EMAILS)
@pytest.mark.parametrize("language", ["sr-latn", "sr", "sl"])
def test_no_english_is_left_in_an_e_mail(db, template, language):
    for context in CONTEXTS:
        english = sentences(render(template, context, "en"))
        translated = sentences(render(template, context, language))
        assert not english & translated, (template, context, english & translated)


BLOCKS = sorted(str(p.relative_to(TEMPLATES)) for p in (TEMPLATES / "knowledge_base" / "blocks").glob("*.html"))
BLOCK_VALUES = [
    {"kind": kind, "text": "", "steps": [], "code": "", "language": ""} for kind in ("tip", "note", "warning")
]
WORDS = re.compile(r'>([^<>]*[A-Za-z][^<>]*)<|(?:aria-label|title|alt)="([^"]*[A-Za-z][^"]*)"')


def shown_words(html: str) -> set[str]:
    """The text and the labelling attributes of a piece of HTML."""
    return {(text or attribute).strip() for text, attribute in WORDS.findall(html)} - {""}


@pytest.mark.parametrize("language", ["sr-latn", "sr", "sl"])
def test_the_words_an_article_block_shows_readers_are_translated(language):
    """Callout labels and every other word a block's template adds to an article, in each language."""
    assert "knowledge_base/blocks/callout.html" in BLOCKS
    checked = 0
    for template in BLOCKS:
        for value in BLOCK_VALUES:
            english = shown_words(render(template, {"value": value}, "en"))
            checked += len(english)
            leftover = english & shown_words(render(template, {"value": value}, language))
            assert not leftover, (template, language, leftover)
    assert checked >= 6  # Tip, Note, Warning as text and as labels at least
