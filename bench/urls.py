from django.http import HttpResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns

BARE_PAGE = b"<!DOCTYPE html><html lang=en><title>bare</title><p>" + b"x" * 2000 + b"</p></html>"


def bare(request):
    """A constant page through the same middleware: the ceiling the real pages are measured against."""
    return HttpResponse(BARE_PAGE)


urlpatterns = [path("bench/bare/", bare), *portal_urlpatterns]
