"""Suggestions opened while someone writes a request or a topic: read, throttled, never a session.

The link a suggestion carries goes through one view (/search/opened/<area>/) that records it and
sends the reader on. Its parameters are read by one form (lengths, no NUL, only our own pages as
the destination). A visitor who is not signed in gets no session for it; the recording is
throttled per person or address, and past the limit the reader is still sent on, just not
counted again. Support and the community say when a session then files a request or posts a
topic (their `request_filed` and `topic_started` signals); the opened suggestions are marked as
followed up, and those never followed up are questions self-service answered.
"""

from django import forms
from django.dispatch import receiver
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from community.signals import topic_started
from portal.ratelimit import allow, client_address
from tickets.signals import request_filed

from .models import SearchEntry, SuggestionOpened

#: Recordings per person (or address, for visitors) in ten minutes.
RECORDS_PER_WINDOW = 30
WINDOW_SECONDS = 600


class SuggestionOpenedForm(forms.Form):
    to = forms.CharField(max_length=500)
    q = forms.CharField(max_length=200, required=False)
    title = forms.CharField(max_length=255, required=False)
    kind = forms.SlugField(max_length=20, required=False)

    def clean_to(self):
        target = self.cleaned_data["to"]
        if not target.startswith("/") or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
            raise forms.ValidationError(_("Unknown destination."))
        return target


def should_record(request, *, area: str) -> bool:
    who = f"user:{request.user.pk}" if request.user.is_authenticated else f"ip:{client_address(request)}"
    return allow(f"suggestion:{area}:{who}", limit=RECORDS_PER_WINDOW, seconds=WINDOW_SECONDS)


def session_key(request) -> str:
    """The reader's session when they already have one; a visitor is not given one for this."""
    return request.session.session_key or ""


def first_error(form) -> str:
    return next(iter(error for errors in form.errors.values() for error in errors))


def follow(request, *, area: str):
    """Read the click, record it unless throttled, and send the reader on; a malformed click
    answers 400 with the reason."""
    form = SuggestionOpenedForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(first_error(form), content_type="text/plain; charset=utf-8")
    data = form.cleaned_data
    if should_record(request, area=area):
        SuggestionOpened.objects.create(
            area=area,
            session_key=session_key(request),
            user=request.user if request.user.is_authenticated else None,
            query=data["q"][:200],
            title=data["title"][:255],
            url=data["to"][:500],
            kind=(data["kind"] or "article")[:20],
            product=SearchEntry.objects.filter(url=data["to"]).values_list("product_name", flat=True).first() or "",
        )
    return redirect(data["to"])


def mark_followed_up(*, area: str, session_key: str, reference: str) -> int:
    """The suggestions this session opened before filing `reference`: not answered by them."""
    if not session_key:
        return 0
    return SuggestionOpened.objects.filter(area=area, session_key=session_key, followed_up="").update(
        followed_up=reference[:40], followed_up_at=timezone.now()
    )


@receiver(request_filed, dispatch_uid="search.suggestions.request_filed")
def _request_filed(sender, *, ticket, session_key: str, **kwargs) -> None:
    mark_followed_up(area=SuggestionOpened.Area.SUPPORT, session_key=session_key, reference=ticket.reference)


@receiver(topic_started, dispatch_uid="search.suggestions.topic_started")
def _topic_started(sender, *, topic, session_key: str, **kwargs) -> None:
    mark_followed_up(area=SuggestionOpened.Area.COMMUNITY, session_key=session_key, reference=f"#{topic.pk}")
