"""Puts the current site's branding in every template as `brand`."""

from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from .models import DEFAULT_PRIMARY_COLOUR, BrandingSettings


class Brand:
    """What templates need to brand a page; defaults when the site has no settings yet."""

    def __init__(self, request) -> None:
        self.site = Site.find_for_request(request)
        self.settings = BrandingSettings.for_site(self.site) if self.site else None

    @property
    def name(self) -> str:
        if self.settings:
            return self.settings.display_name()
        return "Portal"

    @property
    def tagline(self) -> str:
        return self.settings.tagline if self.settings else ""

    @property
    def logo(self):
        return self.settings.logo if self.settings else None

    @property
    def primary_colour(self) -> str:
        return self.settings.primary_colour if self.settings else DEFAULT_PRIMARY_COLOUR

    @property
    def support_email(self) -> str:
        return self.settings.support_email if self.settings else ""

    @property
    def footer_links(self) -> list[dict]:
        if not self.settings:
            return []
        links = []
        for block in self.settings.footer_links:
            value = block.value
            page = value.get("page")
            href = page.url if page else value.get("url")
            if href:
                links.append({"label": value["label"], "href": href})
        return links


def branding(request) -> dict:
    return {"brand": SimpleLazyObject(lambda: Brand(request))}
