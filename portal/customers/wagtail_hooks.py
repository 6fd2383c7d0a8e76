"""Admin: Customers (menu, search area, pages), RFM groups, and links from organisations."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.search import SearchArea
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from portal.accounts.models import Organisation

from . import access, admin_views
from .models import RFMGroup, Segment


@hooks.register("register_admin_urls")
def register_customer_urls():
    return [
        path("customers/", admin_views.directory, name="customers_directory"),
        path("customers/<int:pk>/", admin_views.person, name="customers_person"),
        path("customers/organisations/<int:pk>/", admin_views.organisation, name="customers_organisation"),
    ]


class CustomersMenuItem(MenuItem):
    def is_shown(self, request):
        return access.may_use(request.user)


@hooks.register("register_admin_menu_item")
def register_customers_menu_item():
    return CustomersMenuItem(
        _("Customers"), reverse("customers_directory"), name="customers", icon_name="user", order=240
    )


class CustomersSearchArea(SearchArea):
    def is_shown(self, request):
        return access.may_use(request.user)


@hooks.register("register_admin_search_area")
def register_customers_search_area():
    return CustomersSearchArea(
        _("Customers"), reverse("customers_directory"), name="customers", icon_name="user", order=50
    )


@hooks.register("register_snippet_listing_buttons")
def organisation_customer_page_button(snippet, user, next_url=None):
    if isinstance(snippet, Organisation) and access.may_open_organisation(user, snippet):
        yield ListingButton(
            _("Customer page"), reverse("customers_organisation", args=[snippet.pk]), icon_name="user", priority=5
        )


class RFMGroupViewSet(SnippetViewSet):
    model = RFMGroup
    icon = "group"
    menu_label = _("RFM groups")
    list_display = ["name", "code", "order"]
    ordering = ["order", "pk"]


class SegmentViewSet(SnippetViewSet):
    model = Segment
    icon = "group"
    menu_label = _("Segments")
    list_display = ["name", "code", "size", "refreshed_at", "is_active"]
    list_filter = ["is_active"]


class SegmentsGroup(SnippetViewSetGroup):
    items = (SegmentViewSet, RFMGroupViewSet)
    menu_icon = "group"
    menu_label = _("Segments")
    menu_name = "segments"
    menu_order = 245


register_snippet(SegmentsGroup)


@hooks.register("insert_global_admin_css")
def customers_admin_css():
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<link rel="stylesheet" href="{}">', static("customers/admin.css"))
