import zoneinfo
from functools import cache, lru_cache

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.forms.utils import flatatt
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import User


@cache
def time_zone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in time_zone_names()]


class TimeZoneSelect(forms.Select):
    """A select of the ~600 IANA time zones, rendered without a template per option.

    Django renders each option through a template, which made the profile page ten times slower
    than every other page; this widget keeps the same markup and attributes.
    """

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = str(value) if value is not None else ""
        options = "".join(
            f'<option value="{escape(zone)}"{" selected" if zone == selected else ""}>'
            f"{escape(zone.replace('_', ' '))}</option>"
            for zone in time_zone_names()
        )
        return mark_safe(f"<select{flatatt(final_attrs)}>{options}</select>")  # noqa: S308 (escaped above)


class PlainSelect(forms.Select):
    """A select whose options are written out directly instead of through a template each, with
    Django's markup: the country list (about 250) cost as much as the rest of the page."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = "" if value is None else str(value)
        options = "".join(
            f'<option value="{escape(choice)}"{" selected" if str(choice) == selected else ""}>{escape(label)}</option>'
            for choice, label in self.choices
        )
        return mark_safe(f"<select{flatatt(final_attrs)}>{options}</select>")  # noqa: S308 (escaped above)


@lru_cache(maxsize=16)
def country_choices(language: str | None) -> tuple[tuple[str, str], ...]:
    """django-countries' list in `language`: sorting 250 translated names is the costly part."""
    from django_countries import countries

    return (("", "---------"), *((code, str(name)) for code, name in countries))


class CountrySelect(PlainSelect):
    def render(self, name, value, attrs=None, renderer=None):
        self.choices = country_choices(translation.get_language())
        return super().render(name, value, attrs, renderer)


class ProfileForm(forms.ModelForm):
    """What a person may change about themselves; e-mail and password have their own pages."""

    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, widget=TimeZoneSelect)

    class Meta:
        model = User
        fields = ["display_name", "first_name", "last_name", "locale", "country", "time_zone"]
        labels = {"locale": _("Language")}
        widgets = {
            "display_name": forms.TextInput(attrs={"autocomplete": "nickname"}),
            "country": CountrySelect(attrs={"autocomplete": "country"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
        }


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form (ACCOUNT_FORMS["login"]), refusing passwords for organisations that
    sign in with their own provider (Organisation.sso_provider)."""

    def clean(self):
        from .adapters import sso_required_for

        login = (self.cleaned_data.get("login") or "").strip()
        organisation = sso_required_for(login) if "@" in login else None
        if organisation is not None:
            raise forms.ValidationError(
                _("%(organisation)s signs in with its company account: use “%(provider)s” below.")
                % {"organisation": organisation.name, "provider": provider_name(organisation.sso_provider)}
            )
        return super().clean()


def provider_name(provider_id: str) -> str:
    from allauth.socialaccount.models import SocialApp

    app = (
        SocialApp.objects.filter(provider_id=provider_id).first()
        or SocialApp.objects.filter(provider=provider_id).first()
    )
    return app.name if app else provider_id
