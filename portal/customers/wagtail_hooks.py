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
from .models import AimedContent, Campaign, Offer, RFMGroup, Segment


@hooks.register("register_admin_urls")
def register_customer_urls():
    return [
        path("customers/", admin_views.directory, name="customers_directory"),
        path("customers/<int:pk>/", admin_views.person, name="customers_person"),
        path("customers/organisations/<int:pk>/", admin_views.organisation, name="customers_organisation"),
        path("customers/campaigns/<int:pk>/send/", admin_views.start_campaign, name="customers_start_campaign"),
        path("customers/report/", admin_views.report, name="customers_report"),
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


@hooks.register("register_snippet_listing_buttons")
def campaign_send_button(snippet, user, next_url=None):
    if (
        isinstance(snippet, Campaign)
        and snippet.status == Campaign.Status.DRAFT
        and user.has_perm("customers.change_campaign")
    ):
        yield ListingButton(
            _("Send"), reverse("customers_start_campaign", args=[snippet.pk]), icon_name="mail", priority=5
        )


class RFMGroupViewSet(SnippetViewSet):
    model = RFMGroup
    icon = "group"
    menu_label = _("RFM groups")
    list_display = ["name", "code", "order"]
    ordering = ["order", "pk"]


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("customers.view_segment")


@hooks.register("register_admin_menu_item")
def register_report_menu_item():
    return ReportMenuItem(
        _("Segment report"), reverse("customers_report"), name="segment-report", icon_name="table", order=246
    )


class SegmentViewSet(SnippetViewSet):
    model = Segment
    icon = "group"
    menu_label = _("Segments")
    list_display = ["name", "code", "size", "refreshed_at", "is_active"]
    list_filter = ["is_active"]


class OfferViewSet(SnippetViewSet):
    model = Offer
    icon = "pick"
    menu_label = _("Offers")
    list_display = ["title", "benefit", "starts_on", "ends_on", "holdout_percent", "is_active"]
    list_filter = ["is_active"]


class CampaignViewSet(SnippetViewSet):
    model = Campaign
    icon = "mail"
    menu_label = _("Campaigns")
    list_display = ["name", "segment", "rfm_group", "status", "started_at", "finished_at"]
    list_filter = ["status"]


class AimedContentViewSet(SnippetViewSet):
    model = AimedContent
    icon = "doc-full"
    menu_label = _("Aimed content")
    list_display = ["name", "placement", "is_active"]
    list_filter = ["placement", "is_active"]


class SegmentsGroup(SnippetViewSetGroup):
    items = (SegmentViewSet, RFMGroupViewSet, OfferViewSet, CampaignViewSet, AimedContentViewSet)
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
