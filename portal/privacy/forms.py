"""The consents offered at sign-up: every optional purpose, unticked, after the password."""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms

from .consent import purposes, record
from .models import ConsentHow


def field_name(code: str) -> str:
    return f"consent_{code}"


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form (ACCOUNT_FORMS["signup"]) with one box per optional purpose."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for purpose in purposes(optional_only=True):
            self.fields[field_name(purpose.code)] = forms.BooleanField(
                label=purpose.name, help_text=purpose.description, required=False, initial=False
            )

    def save(self, request):
        from portal.ratelimit import client_address

        user = super().save(request)
        if user is None:
            return user
        for name, value in self.cleaned_data.items():
            if name.startswith("consent_") and value:
                record(
                    person=user,
                    code=name.removeprefix("consent_"),
                    granted=True,
                    how=ConsentHow.SIGNUP,
                    ip_address=client_address(request),
                )
        return user
