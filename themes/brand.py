"""The branding a page needs, read once per site and language and then served from the cache.

Every page shows the brand, so looking up the Wagtail Site, its settings row and the footer
links' pages on each request would cost several queries a page. The values are cached under a
generation number that any change to a site, its branding or a page bumps, so edits show at once
wherever the cache is shared (Redis), and within BRAND_CACHE_SECONDS elsewhere.
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import translation
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from .models import DEFAULT_PRIMARY_COLOUR, BrandingSettings

BRAND_CACHE_SECONDS = 300
_GENERATION_KEY = "themes:brand:generation"


@dataclass(frozen=True)
class Logo:
    url: str
    width: int
    height: int


@dataclass(frozen=True)
class Brand:
    """What templates need to brand a page."""

    name: str = "Portal"
    tagline: str = ""
    primary_colour: str = DEFAULT_PRIMARY_COLOUR
    support_email: str = ""
    logo: Logo | None = None
    footer_links: list[dict] = field(default_factory=list)


def current_generation() -> int:
    """The content generation: bumped whenever a site, its branding or any page changes."""
    return cache.get_or_set(_GENERATION_KEY, 1, None)


def invalidate_brands() -> None:
    """Forget every cached brand (called when a site, its branding or a page changes)."""
    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:
        cache.set(_GENERATION_KEY, 2, None)


def build_brand(site: Site | None) -> Brand:
    if site is None:
        return Brand()
    settings = BrandingSettings.for_site(site)
    logo = None
    if settings.logo_id:
        rendition = settings.logo.get_rendition("height-80")
        logo = Logo(url=rendition.url, width=rendition.width // 2, height=rendition.height // 2)
    links = []
    for block in settings.footer_links:
        value = block.value
        page = value.get("page")
        href = page.localized.url if page else value.get("url")
        if href:
            links.append({"label": value["label"], "href": href})
    return Brand(
        name=settings.display_name(),
        tagline=settings.tagline,
        primary_colour=settings.primary_colour,
        support_email=settings.support_email,
        logo=logo,
        footer_links=links,
    )


def brand_for_request(request) -> Brand:
    host = request.get_host()
    key = f"themes:brand:{current_generation()}:{host}:{translation.get_language()}"
    brand = cache.get(key)
    if brand is None:
        brand = build_brand(Site.find_for_request(request))
        cache.set(key, brand, BRAND_CACHE_SECONDS)
    return brand


@receiver(post_save, sender="knowledge_base.SharedText")
@receiver(post_save, sender=BrandingSettings)
@receiver(post_delete, sender=BrandingSettings)
@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_delete, sender=Page)
@receiver(post_page_move)
@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def _forget_brands(sender, **kwargs) -> None:
    invalidate_brands()


@receiver(post_save)
def _forget_on_new_alias(sender, instance, created, **kwargs) -> None:
    """An alias page takes its source's view restrictions: cached pages of the old generation must go."""
    if created and isinstance(instance, Page) and instance.alias_of_id:
        invalidate_brands()
