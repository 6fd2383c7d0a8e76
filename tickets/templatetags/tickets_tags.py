from datetime import timedelta

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    """A business-time amount for people: “2 h 5 min”, “45 min”, “−20 min” when overdue."""
    if value is None:
        return ""
    sign = "−" if value < timedelta(0) else ""
    minutes = int(abs(value).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        text = _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    elif hours:
        text = _("%(hours)d h") % {"hours": hours}
    else:
        text = _("%(minutes)d min") % {"minutes": minutes}
    return sign + text


@register.filter
def seconds(value) -> str:
    """A number of seconds as a duration for people (see `duration`); "" for none."""
    if value is None:
        return ""
    return duration(timedelta(seconds=value))
