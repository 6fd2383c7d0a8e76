"""The consents offered at sign-up: every optional purpose, unticked."""

from django import forms

from .consent import purposes, record
from .models import ConsentHow


def field_name(code: str) -> str:
    return f"consent_{code}"


class ConsentSignupForm(forms.Form):
    """Added to allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS): one box per optional purpose."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for purpose in purposes(optional_only=True):
            self.fields[field_name(purpose.code)] = forms.BooleanField(
                label=purpose.name, help_text=purpose.description, required=False, initial=False
            )

    def signup(self, request, user):
        from portal.ratelimit import client_address

        for name, value in self.cleaned_data.items():
            if name.startswith("consent_") and value:
                record(
                    person=user,
                    code=name.removeprefix("consent_"),
                    granted=True,
                    how=ConsentHow.SIGNUP,
                    ip_address=client_address(request),
                )
