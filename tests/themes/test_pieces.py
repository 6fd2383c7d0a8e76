"""Pieces rendered into pages (themes/pieces.py)."""

from django import forms
from django.core.cache import caches
from django.utils import translation

from themes.pieces import render_piece


class NoteForm(forms.Form):
    note = forms.CharField(label="Note")


def test_a_piece_with_a_variant_is_rendered_once_per_language_and_variant():
    caches["template_fragments"].clear()
    built = []

    def context():
        built.append(translation.get_language())
        return {"form": NoteForm()}

    with translation.override("en"):
        first = render_piece("components/form_fields.html", context, variant="note")
        assert render_piece("components/form_fields.html", context, variant="note") == first
        other = render_piece("components/form_fields.html", context, variant="note-2")
    with translation.override("sl"):
        render_piece("components/form_fields.html", context, variant="note")
    assert built == ["en", "en", "sl"]
    assert 'name="note"' in first and other == first


def test_a_piece_without_a_variant_is_rendered_every_time():
    bound = NoteForm(data={"note": ""})
    html = render_piece("components/form_fields.html", {"form": bound})
    assert "field--invalid" in html or "errorlist" in html
    assert (
        render_piece("components/form_fields.html", lambda: {"form": NoteForm(initial={"note": "kept"})}).count(
            'value="kept"'
        )
        == 1
    )
