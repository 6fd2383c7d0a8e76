"""Errors as RFC 9457 problem details: `application/problem+json` with type, title, status and
detail, and for invalid input the fields that were wrong and why."""

from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM = "application/problem+json"
TYPE_BASE = "https://portal.example/problems/"


class Problem(exceptions.APIException):
    """A problem a view raises on its own: a status, a short type name and a sentence."""

    def __init__(self, status: int, kind: str, detail: str, **extra):
        self.status_code = status
        self.kind = kind
        self.extra = extra
        super().__init__(detail)


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem(status: int, kind: str, detail: str, **extra) -> Response:
    body = {"type": TYPE_BASE + kind, "title": _title(status), "status": status, "detail": detail, **extra}
    return Response(body, status=status, content_type=PROBLEM)


def problem_response(status: int, kind: str, detail: str, **extra) -> JsonResponse:
    """The same document outside DRF's views (unmatched addresses, the error handler)."""
    body = {"type": TYPE_BASE + kind, "title": _title(status), "status": status, "detail": detail, **extra}
    return JsonResponse(body, status=status, content_type=PROBLEM)


def handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        return None  # not an API error: a 500, logged as such
    status = response.status_code
    if isinstance(exc, Problem):
        kind, detail, extra = exc.kind, str(exc.detail), exc.extra
    elif isinstance(exc, exceptions.ValidationError):
        kind, detail = "invalid", "Some of what was sent is not valid; see errors."
        extra = {"errors": exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}}
    else:
        kind = getattr(exc, "default_code", "error")
        detail = str(exc.detail) if hasattr(exc, "detail") else str(exc)
        extra = {}
    answer = problem(status, str(kind).replace("_", "-"), detail, **extra)
    for header in ("Retry-After", "WWW-Authenticate", "Allow"):
        if header in response:
            answer[header] = response[header]
    return answer


def not_found(request, unmatched=""):
    """Any /api/ address no route matches: a problem, not the site's HTML 404 page. An address
    that only lacks its closing slash is sent on to it, as Django's APPEND_SLASH would have."""
    from django.http import HttpResponsePermanentRedirect
    from django.urls import Resolver404, resolve

    if request.method in ("GET", "HEAD") and not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(request.path + "/" + (f"?{query}" if query else ""))
    return problem_response(404, "not-found", "No such address in the API.")
