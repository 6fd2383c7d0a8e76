"""Admin views of the knowledge base's own (not Wagtail's) screens."""

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.models import Page
from wagtail.snippets.views.snippets import InspectView

from portal.formatting import local_datetime

from .cyrillic import DraftError, draft_cyrillic


class LocalTimeInspectView(InspectView):
    """Inspect with times in the reader's time zone, as the listing shows them (Wagtail prints them in UTC)."""

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, datetime):
            return local_datetime(value)
        return _("–") if value is None else value


@require_http_methods(["GET", "POST"])
def cyrillic_draft(request, page_id: int):
    """Ask, then make the Cyrillic draft of a Serbian Latin page (portal.serbian keeps names in Latin)."""
    page = get_object_or_404(Page, pk=page_id).specific
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    if request.method == "POST":
        try:
            draft = draft_cyrillic(page=page, user=request.user)
        except DraftError as error:
            messages.error(request, str(error))
            return redirect("wagtailadmin_pages:edit", page.pk)
        messages.success(
            request,
            _("A Cyrillic draft was made from the Latin text. Read it before you publish: names stay in Latin."),
        )
        return redirect("wagtailadmin_pages:edit", draft.pk)
    return TemplateResponse(request, "knowledge_base/admin/cyrillic_draft.html", {"page": page})
