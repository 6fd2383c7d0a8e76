"""The brand's colour as a stylesheet, so no page needs an inline style (a strict CSP allows none)."""

import re

from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.http import require_GET

COLOUR = re.compile(r"[0-9a-fA-F]{6}")


@require_GET
def brand_css(request):
    """`/brand.css?c=1f5fbf` → `:root { --brand: #1f5fbf; }`. The address names the colour, so the
    answer never changes and browsers and proxies keep it for a year."""
    colour = request.GET.get("c", "")
    if not COLOUR.fullmatch(colour):
        return HttpResponseBadRequest("c must be a colour as six hexadecimal digits.", content_type="text/plain")
    response = HttpResponse(f":root {{ --brand: #{colour.lower()}; }}\n", content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
