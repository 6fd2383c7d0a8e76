"""Puts the current site's branding in every template as `brand`, and the part of the site the
page belongs to as `site_section` (the main navigation marks it)."""

from django.utils.functional import SimpleLazyObject

from .brand import brand_for_request

#: URL namespaces with an entry of their own in the main navigation.
SECTIONS = ("community", "tickets", "accounts")


def site_section(request) -> str:
    if request.path.startswith("/help/"):
        return "help"
    match = getattr(request, "resolver_match", None)
    app_name = match.app_name if match is not None else ""
    return app_name if app_name in SECTIONS else ""


def branding(request) -> dict:
    return {"brand": SimpleLazyObject(lambda: brand_for_request(request)), "site_section": site_section(request)}
