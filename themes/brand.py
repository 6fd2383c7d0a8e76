"""The branding a page needs, read once per site and language and then served from the cache.

Every page shows the brand, so looking up the Wagtail Site, its settings row and the footer
links' pages on each request would cost several queries a page. The values are cached under a
key holding the brand and content versions (portal.cache_versions): a change to a site, its
branding or a page (footer links name pages) starts new ones, so every worker shows it at once.
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import translation
from wagtail.models import Site

from portal.addresses import page_path
from portal.cache_versions import BRAND, CONTENT, bump, per_request, versions

from .models import DEFAULT_PRIMARY_COLOUR, BrandingSettings

BRAND_CACHE_SECONDS = 300


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
    site_id: int | None = None  # the Wagtail Site the brand belongs to: what its pages show is scoped by it


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
        href = page_path(page.localized) if page else value.get("url")  # a path: the brand is kept per host
        if href:
            links.append({"label": value["label"], "href": href})
    return Brand(
        name=settings.display_name(),
        tagline=settings.tagline,
        primary_colour=settings.primary_colour,
        support_email=settings.support_email,
        logo=logo,
        footer_links=links,
        site_id=site.pk,
    )


def brand_for_request(request) -> Brand:
    host = request.get_host()
    key = f"themes:brand:{versions(BRAND, CONTENT)}:{host}:{translation.get_language()}"

    def cached():
        brand = cache.get(key)
        if brand is None:
            brand = build_brand(Site.find_for_request(request))
            cache.set(key, brand, BRAND_CACHE_SECONDS)
        return brand

    return per_request(key, cached)


@receiver(post_save, sender=BrandingSettings)
@receiver(post_delete, sender=BrandingSettings)
@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
def _forget_brands(sender, **kwargs) -> None:
    bump(BRAND)
