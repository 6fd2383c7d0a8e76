from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from portal.text import single_line, without_nul

from .scopes import STAFF_SCOPES, descriptions
from .webhooks import EVENTS

LIFETIMES = [(7, _("7 days")), (30, _("30 days")), (90, _("90 days")), (365, _("a year"))]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80, help_text=_("What the token is for, e.g. “backup script”."))
    scopes = forms.MultipleChoiceField(
        label=_("What it may do"), widget=forms.CheckboxSelectMultiple, choices=(), required=True
    )
    days = forms.TypedChoiceField(label=_("Expires after"), choices=LIFETIMES, coerce=int, initial=30)

    def __init__(self, *args, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [
            (name, f"{name} — {text}") for name, text in descriptions() if staff or name not in STAFF_SCOPES
        ]

    def clean_name(self):
        name = single_line(self.cleaned_data["name"]).strip()
        if not name:
            raise forms.ValidationError(_("Give the token a name."))
        return name


class EndpointAdminForm(WagtailAdminModelForm):
    """Admin → Settings → Webhooks: the address and the events it takes, as boxes to tick."""

    events = forms.MultipleChoiceField(
        label=_("Events"), widget=forms.CheckboxSelectMultiple, choices=lambda: sorted(EVENTS.items())
    )

    def clean_url(self):
        url = self.cleaned_data["url"]
        if without_nul(url) != url or "\n" in url or "\r" in url:
            raise forms.ValidationError(_("Enter a valid address."))
        return url
