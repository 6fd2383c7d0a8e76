"""Malformed input given to the Wagtail admin's own views answers 400, not an error page.

Some of Wagtail's admin views (choosers, the admin API, paged lists) turn a malformed id or page
number into ValueError, OverflowError or an invalid page. Those views are not ours to change, so a
person gets a 400 with a reason instead. Our own views are left alone (they parse input in forms
and with portal.text.parse_id), so a mistake in them still shows in tests.
"""

from django.core.paginator import InvalidPage
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

OUR_PACKAGES = ("portal.", "community.", "tickets.", "knowledge_base.", "themes.")


def bad_request(request, reason: str):
    return render(request, "400.html", {"reason": reason}, status=400)


class AdminBadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ValueError | OverflowError | InvalidPage):
            return None
        match = getattr(request, "resolver_match", None)
        module = getattr(getattr(match, "func", None), "__module__", "") or ""
        if not request.path.startswith("/admin/") or module.startswith(OUR_PACKAGES):
            return None
        return bad_request(request, _("A value in the address or the form is not a valid number or id."))


class UnconfiguredSignInMiddleware:
    """allauth serves a sign-in address for every provider the portal supports (Google, Microsoft,
    Apple, GitHub, OpenID Connect, SAML); one that no admin has configured answers 404 with a
    reason, not an error page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from allauth.socialaccount.models import SocialApp

        if isinstance(exception, SocialApp.DoesNotExist | SocialApp.MultipleObjectsReturned):
            return render(
                request, "400.html", {"reason": _("This way of signing in is not set up on this site.")}, status=404
            )
        return None


class NulInAddressMiddleware:
    """A NUL character cannot be stored or looked up in PostgreSQL. An address holding one names
    nothing, so it answers 404 before any view asks the database. The API's filters (query
    values) holding one answer 400; the pages clean their own input in forms."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise Http404
        if request.path.startswith("/api/") and any(
            "\x00" in value for _key, values in request.GET.lists() for value in values
        ):
            body = {
                "type": "https://portal.example/problems/invalid",
                "title": "Bad Request",
                "status": 400,
                "detail": _("A filter contains a character that cannot be part of it (NUL)."),
            }
            return JsonResponse(body, status=400, content_type="application/problem+json")
        return self.get_response(request)
