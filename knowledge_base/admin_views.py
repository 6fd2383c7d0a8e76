"""Admin views of the knowledge base's own (not Wagtail's) screens."""

from datetime import datetime

from django.utils.translation import gettext as _
from wagtail.snippets.views.snippets import InspectView

from portal.formatting import local_datetime


class LocalTimeInspectView(InspectView):
    """Inspect with times in the reader's time zone, as the listing shows them (Wagtail prints them in UTC)."""

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, datetime):
            return local_datetime(value)
        return _("–") if value is None else value
