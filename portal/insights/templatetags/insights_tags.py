"""Small drawings for the insights pages: a sparkline is a picture of numbers a table beside it
states in full, so it is hidden from screen readers and never the only way to read a figure."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()

WIDTH, HEIGHT, PAD = 120, 28, 2


@register.simple_tag
def sparkline(rows, key: str):
    """An inline SVG line through rows[i][key] (gaps where a value is missing)."""
    values = [row.get(key) for row in rows]
    known = [value for value in values if value is not None]
    if len(known) < 2:
        return ""
    low, high = min(known), max(known)
    span = (high - low) or 1
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    segments, current = [], []
    for index, value in enumerate(values):
        if value is None:
            if current:
                segments.append(current)
            current = []
            continue
        x = PAD + index * step
        y = HEIGHT - PAD - (value - low) / span * (HEIGHT - 2 * PAD)
        current.append(f"{x:.1f},{y:.1f}")
    if current:
        segments.append(current)
    lines = format_html_join(
        "", '<polyline points="{}"/>', ((" ".join(points),) for points in segments if len(points) > 1)
    )
    return format_html(
        '<svg class="insights__sparkline" viewBox="0 0 {} {}" width="{}" height="{}" aria-hidden="true" '
        'focusable="false">{}</svg>',
        WIDTH,
        HEIGHT,
        WIDTH,
        HEIGHT,
        lines,
    )
