import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .documents import Kind

MAX_QUERY_LENGTH = 200
#: Control characters (NUL and friends) are never part of a query; PostgreSQL refuses NUL outright.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
ANY_LANGUAGE = "any"

KIND_CHOICES = [
    (Kind.ARTICLE, _("Articles")),
    (Kind.FAQ, _("FAQs")),
    (Kind.TOPIC, _("Community")),
    (Kind.REQUEST, _("My requests")),
]


#: What one result is, shown beside it.
KIND_LABELS = {
    Kind.ARTICLE: _("Article"),
    Kind.FAQ: _("FAQ"),
    Kind.TOPIC: _("Community topic"),
    Kind.REQUEST: _("Your request"),
}


def clean_query(text: str) -> tuple[str, bool]:
    """The query as searched, and whether it had to be shortened."""
    text = " ".join(CONTROL.sub(" ", text or "").split())
    return text[:MAX_QUERY_LENGTH], len(text) > MAX_QUERY_LENGTH


class SearchForm(forms.Form):
    """The filters; the query text itself is cleaned by `clean_query` (it may hold anything)."""

    kind = forms.ChoiceField(required=False, choices=[("", _("Everything")), *KIND_CHOICES])
    product = forms.SlugField(required=False, max_length=100, allow_unicode=False)
    language = forms.ChoiceField(
        required=False, choices=[("", _("Your language")), (ANY_LANGUAGE, _("Any language")), *settings.LANGUAGES]
    )
    page = forms.CharField(required=False)

    error_messages = {"unknown": _("That filter is not one this search knows; it was left out.")}

    def clean_page(self) -> int:
        # A page number out of range (or not a number) shows the nearest real page.
        try:
            return max(1, min(int(self.cleaned_data.get("page") or 1), 100_000))
        except ValueError:
            return 1


class SuggestForm(forms.Form):
    kind = forms.CharField(required=False, max_length=60)

    def clean_kind(self) -> str:
        kinds = [kind for kind in (self.cleaned_data.get("kind") or "").split(",") if kind]
        known = {value for value, _label in KIND_CHOICES}
        if any(kind not in known for kind in kinds):
            raise forms.ValidationError(_("Unknown kind of result."))
        return ",".join(kinds)
