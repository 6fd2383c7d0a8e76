"""Admin: consent purposes (translatable snippets) and Privacy → data-subject requests."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import admin_views
from .models import AccessRecord, DataSubjectRequest, Purpose
from .requests import start


class PurposeViewSet(SnippetViewSet):
    model = Purpose
    icon = "lock"
    menu_label = _("Consent purposes")
    list_display = ["name", "code", "version", "required", "is_active"]


class DataSubjectRequestViewSet(SnippetViewSet):
    """The queue, oldest deadline first; "Add" records one that came by phone, mail or in person."""

    model = DataSubjectRequest
    icon = "mail"
    menu_label = _("Data-subject requests")
    list_display = ["person", "kind", "channel", "received_at", "due_at", "status", "handled_at"]
    list_filter = ["status", "kind", "channel"]
    ordering = ["status", "due_at"]


class AccessRecordViewSet(SnippetViewSet):
    """Which staff member opened whose customer page, and when (read only: admins hold only the
    view permission, and the model refuses changes)."""

    model = AccessRecord
    icon = "view"
    menu_label = _("Staff access")
    list_display = ["at", "viewer", "person", "what"]
    list_filter = ["what"]
    ordering = ["-at"]
    search_fields = ["person__email", "viewer__email"]
    search_backend_name = None  # related fields: the database filters them


class PrivacyGroup(SnippetViewSetGroup):
    items = (DataSubjectRequestViewSet, PurposeViewSet, AccessRecordViewSet)
    menu_icon = "lock"
    menu_label = _("Privacy")
    menu_name = "privacy"


register_snippet(PrivacyGroup)


class RecordConsentMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.may_record(request.user)


@hooks.register("register_admin_urls")
def register_privacy_urls():
    return [path("privacy/record-consent/", admin_views.record_consent, name="privacy_record_consent")]


@hooks.register("register_settings_menu_item")
def register_record_consent_menu_item():
    return RecordConsentMenuItem(_("Record a consent"), reverse("privacy_record_consent"), icon_name="lock", order=900)


@hooks.register("after_create_snippet")
def start_a_recorded_request(request, instance):
    if isinstance(instance, DataSubjectRequest):
        start(instance, staff=request.user)
