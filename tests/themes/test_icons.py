"""Icons are inline SVG shipped with the portal, never a glyph the reader's fonts may lack."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template, TemplateSyntaxError

TEMPLATES = Path(__file__).resolve().parents[2] / "themes" / "templates"
PICTOGRAPHS = re.compile("[\u2190-\u21ff\u2600-\u27bf\U0001f300-\U0001faff]")


def test_an_icon_is_inline_svg_hidden_from_screen_readers():
    html = Template('{% load icons %}{% svg_icon "paperclip" 16 %}').render(Context())
    assert html.startswith("<svg") and 'aria-hidden="true"' in html and 'stroke="currentColor"' in html
    assert 'width="16"' in html and "<path" in html


def test_an_unknown_icon_fails_loudly():
    with pytest.raises(TemplateSyntaxError):
        Template('{% load icons %}{% svg_icon "../secrets" %}').render(Context())


def test_no_template_or_stylesheet_uses_a_pictograph_glyph():
    files = [*TEMPLATES.rglob("*.html"), *TEMPLATES.parent.joinpath("static").rglob("*.css")]
    offenders = [str(f) for f in files if PICTOGRAPHS.search(f.read_text(encoding="utf-8").replace("→", ""))]
    assert not offenders


def test_the_home_cards_draw_their_icons(db):
    html = Template('{% include "components/area_card.html" with href="/" icon="help" title="Help" text="x" %}')
    assert "<svg" in html.render(Context())
