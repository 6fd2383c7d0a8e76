"""Aimed content in the templates' slots: the variant for the reader's segments, or the default.

Signed-out readers (and people who do not allow profiling) always get the default, so a page
cached whole for anonymous readers is right for every one of them. Signed-in pages are rendered
for the person and are not cached whole; the slots sit outside the fragment caches of the pages
they are on, so no cached fragment ever holds a variant meant for someone else.
"""

from django.core.cache import cache
from django.template.loader import render_to_string

from portal.cache_versions import CONTENT, versions

from .models import AimedContent, Placement
from .segments import current_segments


def boxes_at(placement: str) -> list[AimedContent]:
    """The active boxes of a placement, kept in the shared cache under the content version (which
    every change of a box renews), so a page with a slot asks the database once per change."""
    key = f"customers:aimed:{placement}:{versions(CONTENT)}"
    found = cache.get(key)
    if found is None:
        found = list(AimedContent.objects.filter(placement=placement, is_active=True).order_by("pk"))
        cache.set(key, found, 3600)
    return found


def choose(content: AimedContent, codes: set[str]) -> dict | None:
    for child in content.variants:
        if codes.intersection(child.value["audience"]):
            value = child.value
            return {
                "heading": value["heading"],
                "text": value["text"],
                "link": value["link"],
                "link_text": value["link_text"],
                "aimed": True,
            }
    if not content.default_heading and not content.default_text:
        return None
    return {
        "heading": content.default_heading,
        "text": content.default_text,
        "link": content.default_link,
        "link_text": content.default_link_text,
        "aimed": False,
    }


def render_placement(placement: str, request) -> str:
    boxes = boxes_at(placement)
    if not boxes:
        return ""
    codes: set[str] = set()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        codes = current_segments(user).codes
    shown = [box for box in (choose(content, codes) for content in boxes) if box]
    if not shown:
        return ""
    return render_to_string("customers/aimed.html", {"boxes": shown, "placement": placement}, request=request)


def renderer(placement: str):
    def render(request) -> str:
        return render_placement(placement, request)

    return render


def register_slots() -> None:
    from themes import slots

    for placement in Placement.values:
        slots.register(placement, renderer(placement))
