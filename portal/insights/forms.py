"""The dashboard's filters: a period and one slice."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from knowledge_base.selectors import product_names
from portal.accounts.models import Organisation
from portal.membership.models import Plan
from tickets.choices import Channel, Priority
from tickets.models import Queue, RequestType
from tickets.selectors import agents

from .metrics import Period, Scope, default_grain
from .permissions import visible_queues

PERIODS = [(7, _("Last 7 days")), (30, _("Last 30 days")), (90, _("Last 90 days")), (365, _("Last year"))]
#: Most days one period may span (a year and a day, for leap years).
LONGEST = 366


class InsightsForm(forms.Form):
    days = forms.TypedChoiceField(label=_("Period"), choices=PERIODS, coerce=int, required=False, initial=30)
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    queue = forms.ModelChoiceField(label=_("Queue"), queryset=Queue.objects.none(), required=False)
    agent = forms.ModelChoiceField(label=_("Agent"), queryset=agents(), required=False)
    request_type = forms.ModelChoiceField(
        label=_("Type"), queryset=RequestType.objects.order_by("name"), required=False
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=[("", "---------"), *Priority.choices], required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", "---------"), *Channel.choices], required=False)
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.order_by("name"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name"), required=False
    )
    product = forms.ChoiceField(label=_("Product"), required=False)
    grain = forms.ChoiceField(
        label=_("Trend by"),
        choices=[("", _("Automatic")), ("day", _("Day")), ("week", _("Week")), ("month", _("Month"))],
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.queues = visible_queues(user)
        queues = Queue.objects.order_by("name")
        self.fields["queue"].queryset = queues if self.queues is None else queues.filter(pk__in=self.queues)
        self.fields["product"].choices = [("", "---------"), *((name, name) for name in product_names())]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The period must start before it ends."))
        if start and end and (end - start).days >= LONGEST:
            raise forms.ValidationError(_("Choose a period of at most a year."))
        return data

    def period(self) -> Period:
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("start") or data.get("end"):
            end = data.get("end") or min(today, data["start"] + timedelta(days=29))
            start = data.get("start") or end - timedelta(days=29)
        else:
            end = today
            start = end - timedelta(days=(data.get("days") or 30) - 1)
        return Period(start, end)

    def trend_grain(self, period: Period) -> str:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("grain") or default_grain(period)

    def scope(self) -> Scope:
        data = self.cleaned_data if self.is_valid() else {}
        slices = {
            name: (value.pk if hasattr(value, "pk") else value)
            for name in ("queue", "agent", "request_type", "priority", "channel", "plan", "organisation", "product")
            if (value := data.get(name))
        }
        return Scope.of(queues=self.queues, **slices)


class NPSForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How likely are you to recommend us to a friend or colleague?"),
        help_text=_("0 means not at all likely, 10 extremely likely."),
        choices=[(n, str(n)) for n in range(11)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("What is the main reason for your score? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class NPSCommentForm(forms.Form):
    comment = forms.CharField(
        label=_("What is the main reason for your score?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
