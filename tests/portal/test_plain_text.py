"""Markdown read as plain text, where HTML cannot go: snippets, JSON-LD, subjects, notifications."""

import pytest

from portal.markdown import markdown_to_text


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("Some **bold** and _slanted_ words", "Some bold and slanted words"),
        ("# Heading\n\nFirst paragraph.\n\nSecond.", "Heading First paragraph. Second."),
        ("See [the guide](https://example.com/guide) first", "See the guide first"),
        ("- one\n- two\n\n1. three", "one two three"),
        ("Run `reboot --now` then\n\n```\ncode block\n```", "Run reboot --now then code block"),
        ("![router diagram](/media/a.png) above", "router diagram above"),
        ("> quoted\n\ntext", "quoted text"),
        ("Fish &amp; chips &lt;3 and <b>tags</b> typed", "Fish & chips <3 and <b>tags</b> typed"),
        ("", ""),
    ],
)
def test_marks_are_read_not_shown(source, text):
    assert markdown_to_text(source) == text


def test_a_limit_cuts_at_a_word():
    assert markdown_to_text("**alpha** beta gamma delta", limit=12) == "alpha beta…"
    assert len(markdown_to_text("word " * 100, limit=50)) <= 50
    assert markdown_to_text("short", limit=50) == "short"
