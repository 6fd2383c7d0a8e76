"""What members send: the plan they choose, how they pay and what they saw; renewal on or off."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Plan
from .services.billing import parse_amount

PLAN_CODE = re.compile(r"[-a-zA-Z0-9_]{1,30}")


class PlanForm(forms.Form):
    """The plan asked for on the confirmation page (the current one when none is named)."""

    # Any value is read as text; what is not a plan's code is "no such plan", whatever its shape.
    plan = forms.Field(required=False)

    def __init__(self, data=None, *, current: Plan | None = None):
        super().__init__(data)
        self.current = current

    def clean_plan(self) -> Plan:
        code = str(self.cleaned_data.get("plan") or "") or (self.current.code if self.current else "")
        plan = Plan.objects.filter(code=code).first() if PLAN_CODE.fullmatch(code) else None
        if plan is None:
            raise forms.ValidationError(_("There is no such plan. Choose one from your subscriptions page."))
        return plan


class PlaceOrderForm(forms.Form):
    """How the member pays, and the amount they were shown (an order is placed only for it)."""

    pay_by = forms.CharField(required=False, max_length=20)
    amount = forms.CharField(required=False, max_length=40)

    def clean_amount(self):
        return parse_amount(self.cleaned_data.get("amount", ""))


class AutoRenewForm(forms.Form):
    on = forms.TypedChoiceField(choices=(("1", "on"), ("0", "off")), coerce=lambda value: value == "1")
