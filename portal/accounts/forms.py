import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class ProfileForm(forms.ModelForm):
    """What a person may change about themselves; e-mail and password have their own pages."""

    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    class Meta:
        model = User
        fields = ["display_name", "first_name", "last_name", "locale", "time_zone"]
        labels = {"locale": _("Language")}
        widgets = {
            "display_name": forms.TextInput(attrs={"autocomplete": "nickname"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
        }
