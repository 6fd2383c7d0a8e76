"""Inline SVG icons from themes/icons/: {% svg_icon "paperclip" %} (decorative: the text beside it speaks)."""

from functools import lru_cache
from pathlib import Path

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()
ICONS = Path(__file__).resolve().parent.parent / "icons"


@lru_cache(maxsize=64)
def _shapes(name: str) -> str:
    path = ICONS / f"{name}.svg"
    if not name.isidentifier() or not path.is_file():
        raise template.TemplateSyntaxError(f"No icon named {name!r} in {ICONS}")
    return path.read_text(encoding="utf-8").strip()


@register.simple_tag
def svg_icon(name: str, size: int = 20):
    return format_html(
        '<svg class="icon" width="{}" height="{}" viewBox="0 0 24 24" fill="none" stroke="currentColor" '
        'stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">'
        "{}</svg>",
        size,
        size,
        mark_safe(_shapes(name)),  # noqa: S308 — our own files, not user input
    )
