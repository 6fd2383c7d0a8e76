"""Suggestions opened while someone writes a request or a topic: read, throttled, never a session.

The link a suggestion carries goes through a small view that records it and sends the reader on.
Its parameters are read by one form (lengths, no NUL, only our own pages as the destination). A
visitor who is not signed in gets no session for it; the recording is throttled per person or
address, and past the limit the reader is still sent on, just not counted again.
"""

from collections.abc import Callable

from django import forms
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from portal.ratelimit import allow, client_address

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


def follow(request, *, area: str, record: Callable):
    """Read the click, record it with `record(session_key=, user=, query=, title=, url=, kind=)` unless
    throttled, and send the reader on; a malformed click answers 400 with the reason."""
    form = SuggestionOpenedForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(first_error(form), content_type="text/plain; charset=utf-8")
    data = form.cleaned_data
    if should_record(request, area=area):
        record(
            session_key=session_key(request),
            user=request.user,
            query=data["q"],
            title=data["title"],
            url=data["to"],
            kind=data["kind"] or "article",
        )
    return redirect(data["to"])
