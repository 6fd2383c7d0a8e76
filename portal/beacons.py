"""View counts that hold when pages come from a cache.

A page kept by the app's page cache or by an HTTP cache in front is served without running its
view, so the page counts its reader with an image element pointing at a small address of its own
(`<img src="…/seen.gif">`): browsers fetch it on every view, cached or not, with or without
JavaScript. The answer is a transparent 1×1 GIF that no cache may keep.
"""

import base64

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers

TRANSPARENT_GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def seen_response() -> HttpResponse:
    response = HttpResponse(TRANSPARENT_GIF, content_type="image/gif")
    add_never_cache_headers(response)
    return response
