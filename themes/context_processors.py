"""Puts the current site's branding in every template as `brand`."""

from django.utils.functional import SimpleLazyObject

from .brand import brand_for_request


def branding(request) -> dict:
    return {"brand": SimpleLazyObject(lambda: brand_for_request(request))}
