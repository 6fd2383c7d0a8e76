"""Forms of the support set-up screens that check more than one row at a time."""

from itertools import pairwise

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm

from .choices import Weekday


def _minutes(value) -> int:
    return value.hour * 60 + value.minute


class BusinessCalendarForm(WagtailAdminModelForm):
    """A calendar's working hours may not overlap on a weekday: those hours would count twice."""

    def clean(self):
        cleaned = super().clean()
        hours = self.formsets.get("hours") if hasattr(self, "formsets") else None
        if hours is None or not hours.is_valid():
            return cleaned
        by_day: dict[int, list[tuple[int, int]]] = {}
        for form in hours.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or data.get("opens") is None or data.get("closes") is None:
                continue
            start, end = _minutes(data["opens"]), _minutes(data["closes"]) or 24 * 60
            by_day.setdefault(int(data["weekday"]), []).append((start, end))
        for weekday, periods in sorted(by_day.items()):
            periods.sort()
            for (_start, end), (next_start, _next_end) in pairwise(periods):
                if next_start < end:
                    raise ValidationError(
                        _("Working hours on %(day)s overlap; those hours would count twice. Join them into one row.")
                        % {"day": Weekday(weekday).label}
                    )
        return cleaned
