"""Admin → Privacy → Record a consent: an agent writes down what a person said on the phone."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from portal.ratelimit import client_address

from . import consent
from .models import ConsentHow


def may_record(user) -> bool:
    return user.has_perm("wagtailadmin.access_admin") and user.has_perm("privacy.add_consentevent")


class RecordConsentForm(forms.Form):
    email = forms.EmailField(label=_("The person's e-mail address"))
    purpose = forms.ChoiceField(label=_("Purpose"))
    granted = forms.TypedChoiceField(
        label=_("They said"),
        choices=[("1", _("Allow")), ("0", _("Withdraw"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), max_length=255, help_text=_("How and when they said it."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = [(p.code, p.name) for p in consent.purposes(optional_only=True)]

    def clean_email(self):
        person = get_user_model().objects.filter(email__iexact=self.cleaned_data["email"], is_active=True).first()
        if person is None:
            raise forms.ValidationError(_("Nobody has an account with this address."))
        self.person = person
        return self.cleaned_data["email"]


def record_consent(request):
    if not may_record(request.user):
        raise PermissionDenied
    form = RecordConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        recorded = consent.record(
            person=form.person,
            code=form.cleaned_data["purpose"],
            granted=form.cleaned_data["granted"],
            how=ConsentHow.AGENT,
            note=form.cleaned_data["note"],
            recorded_by=request.user,
            ip_address=client_address(request),
        )
        if recorded is None:
            messages.info(request, _("Nothing changed: that is what was recorded already."))
        else:
            messages.success(request, _("Recorded."))
        return redirect("privacy_record_consent")
    return render(request, "privacy/admin/record_consent.html", {"form": form})
