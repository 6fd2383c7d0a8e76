"""Staff screens for people and organisations in the Wagtail admin."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from .forms import TimeZoneSelect, time_zone_choices
from .models import Organisation

PORTAL_USER_FIELDS = ["display_name", "locale", "country", "time_zone", "organisation", "is_organisation_admin"]


class OptionalNamesMixin:
    """Customers often give only a display name; first and last names are optional here."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name"):
            if name in self.fields:
                self.fields[name].required = False


class PortalUserCreationForm(OptionalNamesMixin, UserCreationForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, widget=TimeZoneSelect)

    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | set(PORTAL_USER_FIELDS)


class PortalUserEditForm(OptionalNamesMixin, UserEditForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, widget=TimeZoneSelect)

    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | set(PORTAL_USER_FIELDS)


class UserViewSet(WagtailUserViewSet):
    """Wagtail's user screens, with the portal's own fields."""

    def get_form_class(self, for_update: bool = False):
        return PortalUserEditForm if for_update else PortalUserCreationForm


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["name", "email_domain", "members_share_requests", "created_at"]
    search_fields = ["name", "email_domain"]
