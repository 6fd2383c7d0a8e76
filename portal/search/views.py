"""The search page, type-ahead suggestions and the result links that count click-through."""

import hashlib
from dataclasses import replace
from datetime import timedelta
from urllib.parse import urlencode

from django.core import signing
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from wagtail.models import Site

from portal.cache_versions import SEARCH, versions
from portal.page_cache import cache_publicly, remember
from themes.brand import brand_for_request

from . import analysis, service
from . import suggestions as opened_suggestions
from .access import reader_tokens
from .backends.base import Query
from .documents import Kind
from .forms import ANY_LANGUAGE, CONTROL, KIND_CHOICES, KIND_LABELS, SearchForm, SuggestForm, clean_query
from .models import SearchEntry, SearchLog, SuggestionOpened

RESULTS_PER_PAGE = 10
SUGGESTION_LIMIT = 6
#: A click is counted for a search made at most this long before it.
CLICK_WINDOW = timedelta(minutes=30)
FEW_RESULTS = 3  # at most this many results and a close spelling that finds more is offered
MIN_SUGGEST_LENGTH = 2
SUGGEST_CACHE_SECONDS = 60
DEFAULT_SUGGEST_KINDS = f"{Kind.ARTICLE},{Kind.FAQ},{Kind.TOPIC}"
_click_signer = signing.Signer(salt="portal.search.click")


def _site_id(request) -> int | None:
    return brand_for_request(request).site_id  # the site, as resolved (and cached) for the brand


def _reader_language() -> str:
    return get_language() or "en"


def search(request):
    """Help articles, FAQ items, community topics and the reader's own requests, in one ranked list."""
    form = SearchForm(request.GET)
    status = 200
    if not form.is_valid():
        # An unknown filter value: search without that filter, and say so.
        status = 400
        data = {name: form.cleaned_data.get(name, "") for name in ("kind", "product", "language")}
        data = {name: value for name, value in data.items() if name not in form.errors}
        data["page"] = 1
    else:
        data = form.cleaned_data
    query_text, shortened = clean_query(request.GET.get("q", ""))
    language_choice = data.get("language") or ""
    language = "" if language_choice == ANY_LANGUAGE else (language_choice or _reader_language())
    context = {
        "query": query_text,
        "shortened": shortened,
        "form_errors": [_("That filter is not one this search knows; it was left out.")] if status == 400 else [],
        "results": None,
        "language_choice": language_choice,
    }
    recorded = None
    if query_text:
        query = Query(
            text=query_text,
            tokens=tuple(reader_tokens(request.user)),
            language=language,
            kind=data.get("kind") or "",
            product=data.get("product") or "",
            site_id=_site_id(request),
            page=data.get("page") or 1,
            per_page=RESULTS_PER_PAGE,
        )
        results, backend = service.search(query)
        widened = False
        if not results.total and language and not language_choice:
            # Nothing in the reader's language: look in every language before giving up.
            wider = replace(query, language="")
            wider_results, backend = service.search(wider)
            if wider_results.total:
                results, query, widened = wider_results, wider, True
        for hit in results.hits:
            hit.label = KIND_LABELS.get(hit.kind, hit.kind)
            if hit.kind == Kind.REQUEST:
                hit.status_label = _customer_status(hit.extra.get("status", ""))
        did_you_mean = service.spelling(query) if not results.total else _better_spelling(query, results)
        typed_total, corrected_from = results.total, ""  # the log keeps what the typed words found
        if did_you_mean and not results.total and request.GET.get("exact") != "1":
            # Nothing matched and a close spelling does: show its results, with a way back.
            corrected, backend = service.search(replace(query, text=did_you_mean))
            if corrected.total:
                results, corrected_from, query = corrected, query_text, replace(query, text=did_you_mean)
                did_you_mean = ""
        # One search, however often it is narrowed or paged: facet and page links carry its mark,
        # which is the same for every reader of these words in this language (so the page can be
        # kept whole for visitors), and result links carry it to the click.
        search_mark = (_reader_language(), analysis.normalise_query(query_text))
        signed_log = _click_signer.sign("\n".join(search_mark))
        if _known_search(request.GET.get("log", "")) != search_mark:
            recorded = {"query": query_text, "language": search_mark[0], "results": typed_total}
            service.record_search(**recorded)
        data = {**data, "log": signed_log}
        context.update(
            results=results,
            log=signed_log,
            page_obj=Paginator(range(results.total), results.per_page).page(results.page) if results.total else None,
            first_position=(results.page - 1) * results.per_page + 1,
            did_you_mean=did_you_mean,
            did_you_mean_query=urlencode({"q": did_you_mean}),
            corrected_from=corrected_from,
            corrected_to=query.text,
            exact_query=urlencode({"q": corrected_from, "exact": "1"}),
            backend=backend,
            widened=widened,
            facet_links=_facet_links(results, query_text, data, language_choice),
            query_string=_query_string(query_text, data, language_choice),
        )
        if not results.total:
            context["popular"] = _popular(request)
    response = render(request, "search/search.html", context, status=status)
    if recorded:
        # Kept whole by the app for the next visitor (never by caches in front, which would not
        # count the search); each answer from the app's cache still records one.
        remember(response, search=recorded)
    return cache_publicly(request, response, shared=0)


def _better_spelling(query: Query, results) -> str:
    """A close spelling to offer beside few (or partial) results: only when it finds more, and never
    when the words it would change were found as typed."""
    if results.matched_all and results.total > FEW_RESULTS:
        return ""
    spelled = service.spelling(query)
    if not spelled:
        return ""
    changed = set(map(analysis.fold, analysis.words(query.text))) - set(map(analysis.fold, analysis.words(spelled)))
    found_as_typed = {
        analysis.fold(word) for hit in results.hits for word in analysis.words(f"{hit.title} {strip_tags(hit.snippet)}")
    }
    if changed & found_as_typed:
        return ""
    better, _backend = service.search(replace(query, text=spelled, page=1))
    finds_more = better.total > results.total or (better.matched_all and not results.matched_all)
    return spelled if finds_more and better.total else ""


def _known_search(signed: str) -> tuple[str, str] | None:
    """The (language, normalised words) of the search a link came from, if its mark is genuine."""
    try:
        language, _newline, normalised = _click_signer.unsign(signed[:500]).partition("\n")
    except signing.BadSignature:
        return None
    return language, normalised


def _customer_status(code: str) -> str:
    from tickets.choices import CUSTOMER_STATUS, Status

    try:
        return CUSTOMER_STATUS[Status(code)]
    except ValueError:
        return ""


def _query_string(query_text: str, data: dict, language_choice: str, **changes) -> str:
    params = {"q": query_text, "kind": data.get("kind") or "", "product": data.get("product") or ""}
    params["language"] = language_choice
    params["log"] = data.get("log") or ""
    params.update(changes)
    return urlencode({name: value for name, value in params.items() if value})


def _facet_links(results, query_text: str, data: dict, language_choice: str) -> dict:
    """For each facet, the links that narrow (or widen) the search, with counts and which is current."""
    from django.conf import settings

    language_names = dict(settings.LANGUAGES)
    kind_labels = dict(KIND_CHOICES)
    links = {}
    current = {"kind": data.get("kind") or "", "product": data.get("product") or ""}
    for name in ("kind", "product"):
        values = [
            {
                "label": kind_labels.get(value.value, value.value) if name == "kind" else value.label,
                "count": value.count,
                "href": "?" + _query_string(query_text, data, language_choice, **{name: value.value}),
                "current": current[name] == value.value,
            }
            for value in results.facets.get(name, [])
        ]
        if values:
            values.insert(
                0,
                {
                    "label": _("All"),
                    "count": None,
                    "href": "?" + _query_string(query_text, data, language_choice, **{name: ""}),
                    "current": not current[name],
                },
            )
        links[name] = values
    language_values = [
        {
            "label": _("Your language"),
            "count": None,
            "href": "?" + _query_string(query_text, data, ""),
            "current": not language_choice,
        },
        {
            "label": _("Any language"),
            "count": None,
            "href": "?" + _query_string(query_text, data, ANY_LANGUAGE),
            "current": language_choice == ANY_LANGUAGE,
        },
    ]
    # Counted languages when the backend counted them; otherwise every language, uncounted.
    counted = [(value.value, value.count) for value in results.facets.get("language", [])]
    for code, count in counted or [(code, None) for code in language_names]:
        language_values.append(
            {
                "label": language_names.get(code, code),
                "count": count,
                "href": "?" + _query_string(query_text, data, code),
                "current": language_choice == code,
            }
        )
    links["language"] = language_values
    return links


def _popular(request) -> list:
    from knowledge_base.selectors import popular_articles
    from portal.home.models import HomePage

    site = Site.find_for_request(request)
    home = site.root_page.localized if site else HomePage.objects.first()
    help_index = home.get_children().live().public().filter(slug="help").first() if home else None
    return popular_articles(root=help_index, user=request.user, limit=5) if help_index else []


def click(request):
    """A result link: remember what was opened for this search, then go there."""
    key = CONTROL.sub("", request.GET.get("key", ""))[:100]
    site_id = _site_id(request)
    entry = (
        SearchEntry.objects.filter(key=key, grants__token__in=reader_tokens(request.user))
        .filter(Q(site_id=site_id) | Q(site_id__isnull=True))
        .first()
    )
    if entry is None or not url_has_allowed_host_and_scheme(entry.url, allowed_hosts=None):
        raise Http404
    search = _known_search(request.GET.get("log", ""))
    if search is not None:
        try:
            position = max(1, min(int(request.GET.get("position", "1")), 10_000))
        except ValueError:
            position = None
        # The click goes to the newest search for these words in this language (searches are not
        # told apart per reader, so their pages can be cached), and only if that one has none yet:
        # going back and opening another result does not add a click.
        language, normalised = search
        searches = SearchLog.objects.filter(
            normalised=normalised, language=language, created_at__gte=timezone.now() - CLICK_WINDOW
        )
        newest = searches.order_by("-created_at", "-pk").values("pk")[:1]
        SearchLog.objects.filter(pk__in=newest, clicked_key="").update(
            clicked_key=entry.key, clicked_position=position, clicked_at=timezone.now()
        )
    return redirect(entry.url)


def suggest(request):
    """Type-ahead: JSON suggestions (title, kind, url) the reader may open, matched on titles."""
    form = SuggestForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Unknown kind of result."), content_type="text/plain; charset=utf-8")
    query_text, _shortened = clean_query(request.GET.get("q", ""))
    query_text = query_text[:100]
    suggestions = []
    if len(query_text) >= MIN_SUGGEST_LENGTH:
        tokens = tuple(reader_tokens(request.user))
        query = Query(
            text=query_text,
            tokens=tokens,
            language=_reader_language(),
            kind=form.cleaned_data["kind"] or DEFAULT_SUGGEST_KINDS,
            site_id=_site_id(request),
        )
        generation = versions(SEARCH)
        fingerprint = hashlib.sha256(
            repr(
                (generation, analysis.normalise_query(query_text), query.language, query.kind, tokens, query.site_id)
            ).encode()
        ).hexdigest()
        key = f"search:suggest:{fingerprint}"
        suggestions = cache.get(key)
        if suggestions is None:
            hits = service.suggest(query, SUGGESTION_LIMIT) or service.suggest(
                replace(query, language=""), SUGGESTION_LIMIT
            )
            suggestions = [{"title": hit.title, "kind": hit.kind, "url": hit.url} for hit in hits]
            cache.set(key, suggestions, SUGGEST_CACHE_SECONDS)
    response = JsonResponse({"query": query_text, "results": suggestions})
    response["Cache-Control"] = "private, max-age=60"
    return response


@require_GET
def suggestion_opened(request, area: str):
    """A suggestion opened from the request form or the new-topic form: record it, then go there."""
    if area not in SuggestionOpened.Area.values:
        raise Http404
    return opened_suggestions.follow(request, area=area)
