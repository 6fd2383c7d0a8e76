"""Addresses: relative within the request's host, absolute only where a link leaves the page.

A redirect goes to a path on the host the request came to, never to another site's address (a
visitor on nordlight.localhost:8001 stays there). An absolute address (e-mails, canonical links,
JSON-LD) is built from the request when there is one, else from the Wagtail Site the thing
belongs to, else from PORTAL_BASE_URL.
"""

from urllib.parse import urlsplit

from django.conf import settings


def page_path(page, request=None) -> str:
    """A Wagtail page's address as a path on the request's host (for redirects and links)."""
    parts = page.get_url_parts(request=request)
    if parts is None:
        return "/"
    return parts[2] or "/"


def site_root(site=None) -> str:
    """The root of a Wagtail Site ("https://help.example.com"), or of PORTAL_BASE_URL without one."""
    if site is not None:
        return site.root_url.rstrip("/")
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def absolute(path: str, *, request=None, site=None) -> str:
    """`path` as an absolute address: on the request's host, else on the site's, else the portal's."""
    if urlsplit(path).scheme:
        return path
    if request is not None:
        return request.build_absolute_uri(path)
    return site_root(site) + path
