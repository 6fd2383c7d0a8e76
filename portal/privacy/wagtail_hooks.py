"""Admin: consent purposes, translatable snippets (Snippets → Consent purposes)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Purpose


class PurposeViewSet(SnippetViewSet):
    model = Purpose
    icon = "lock"
    menu_label = _("Consent purposes")
    list_display = ["name", "code", "version", "required", "is_active"]


register_snippet(PurposeViewSet)
