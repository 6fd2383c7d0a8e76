"""Project-wide views: health check and the language switch."""

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language
from wagtail.models import Locale, Page

from portal.accounts.services import set_language_preference
from portal.text import parse_id


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


@require_POST
def set_language(request):
    """Django's language switch, which also remembers the choice for a signed-in person."""
    response: HttpResponse = django_set_language(request)
    language = request.POST.get("language", "")
    known = {code for code, _name in settings.LANGUAGES}
    if language not in known:
        return response
    if request.user.is_authenticated:
        set_language_preference(user=request.user, language=language)
    translated_url = _translated_page_url(request, request.POST.get("page", ""), language)
    if translated_url:
        response["Location"] = translated_url
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
