"""Project-wide views: health and readiness checks, the language switch, and the error page."""

import sys
import time

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django.views.i18n import set_language as django_set_language
from wagtail.models import Locale, Page

from portal.accounts.services import set_language_preference
from portal.languages import preference_token_valid
from portal.text import parse_id


def server_error(request):
    """Any error nothing else caught. The database away (restarting, failing over) answers 503 with
    Retry-After, so a load balancer and a person both know to try again; anything else 500. The page
    reads nothing from the database, and names the request id the logs carry."""
    from portal.api.problems import problem_response
    from portal.observability import request_id

    away = isinstance(sys.exc_info()[1], OperationalError | InterfaceError)
    status = 503 if away else 500
    if request.path.startswith("/api/"):
        detail = "The database cannot be reached; try again shortly." if away else "An unexpected error."
        response = problem_response(status, "unavailable" if away else "error", detail, request_id=request_id())
    else:
        response = HttpResponse(render_to_string("500.html", {"away": away, "request_id": request_id()}), status=status)
    if away:
        response["Retry-After"] = "30"
    return response


def _readable(page: Page, user) -> bool:
    specific = page.specific
    check = getattr(specific, "is_visible_to", None)
    return check(user) if check is not None else True


@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means unhealthy
        return JsonResponse({"status": "unavailable", "database": type(exc).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_http_methods(["GET", "POST"])
def set_language(request):
    """The language switch: a link (GET, portal.languages) or Django's form (POST).

    Either sets the language cookie and returns to `next`, or to the page's translation when the
    switch was made on a page that has one. A signed-in person's choice is also saved to their
    profile when it comes from their own page: a POST (checked against CSRF) or a link carrying
    the token signed for them.
    """
    data = request.POST if request.method == "POST" else request.GET
    language = data.get("language", "")
    known = {code for code, _name in settings.LANGUAGES}
    if request.method == "POST":
        response: HttpResponse = django_set_language(request)
    else:
        response = _remember_language(request, language if language in known else None)
    if language not in known:
        return response
    from_own_page = request.method == "POST" or preference_token_valid(request.user, data.get("token", ""))
    if from_own_page and request.user.is_authenticated:
        set_language_preference(user=request.user, language=language)
    translated_url = _translated_page_url(request, data.get("page", ""), language)
    if translated_url:
        response["Location"] = translated_url
    return response


def _remember_language(request, language: str | None) -> HttpResponse:
    """Back to `next` (an address on this site, else the home page) with the language cookie set."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    add_never_cache_headers(response)
    if language is not None:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


def _translated_page_url(request, page_id: str, language: str) -> str | None:
    """The address of a page's translation in `language`, when the switch was made on a page the
    visitor may read and the translation is one they may read too (a page with an audience says so
    through `is_visible_to`); otherwise nothing, so no address is revealed."""
    number = parse_id(page_id)
    if number is None:
        return None
    page = Page.objects.live().public().filter(pk=number).first()
    if page is None or not _readable(page, request.user):
        return None
    locale = Locale.objects.filter(language_code=language).first()
    translation_page = page.get_translation_or_none(locale) if locale else None
    if translation_page is None or not translation_page.live or not _readable(translation_page, request.user):
        return None
    with translation.override(language):
        return translation_page.get_url()


@never_cache
@require_GET
def readyz(request):
    """Readiness for a load balancer and operators: every service the portal leans on, as JSON.

    503 when the database or the cache does not answer (the portal cannot serve); a waiting task
    queue or an unreachable Elasticsearch is reported but still ready, since search falls back to
    the database and tasks wait for a worker. No figure here names a person.
    """
    checks, ready = {}, True
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = {"status": "ok", "ms": round((time.monotonic() - started) * 1000, 1)}
    except Exception as exc:  # any database failure means not ready
        checks["database"], ready = {"status": "unavailable", "error": type(exc).__name__}, False
    try:
        cache.set("portal:readyz", "1", 10)
        ok = cache.get("portal:readyz") == "1"
        checks["cache"] = {"status": "ok" if ok else "unavailable", "backend": settings.CACHES["default"]["BACKEND"]}
        ready = ready and ok
    except Exception as exc:  # a cache server that does not answer
        checks["cache"], ready = {"status": "unavailable", "error": type(exc).__name__}, False
    checks["tasks"] = _task_queue()
    checks["search"] = _search_backend()
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)


def _task_queue() -> dict:
    backend = settings.TASKS["default"]["BACKEND"]
    if "django_tasks_rq" in backend:
        try:
            from portal import queue

            return {"status": "ok", "backend": backend, **queue.waiting()}
        except Exception as exc:  # Redis does not answer: tasks cannot be queued now
            return {"status": "unavailable", "backend": backend, "error": type(exc).__name__}
    if "django_tasks_db" not in backend:
        return {"status": "ok", "backend": backend}
    try:
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        age = (timezone.now() - oldest).total_seconds() if oldest else 0
        return {"status": "ok", "backend": backend, "waiting": waiting.count(), "oldest_waiting_seconds": round(age)}
    except Exception as exc:  # the queue's table cannot be read
        return {"status": "unavailable", "backend": backend, "error": type(exc).__name__}


def _search_backend() -> dict:
    from portal.search import service

    cluster = service.elasticsearch()
    if cluster is None:
        return {"status": "ok", "backend": "database"}
    try:
        up = bool(cluster.client.ping())
    except Exception:  # a cluster that does not answer: searches are answered from the database
        up = False
    return {"status": "ok" if up else "degraded", "backend": "elasticsearch", "fallback": "database"}
