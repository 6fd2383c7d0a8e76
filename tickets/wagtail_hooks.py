"""The support desk in the Wagtail admin: inbox menu, request screens, configuration snippets."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import desk
from .models import BusinessCalendar, CannedResponse, Queue, RequestType, SLAPolicy

desk_urls = [
    path("", desk.inbox, name="inbox"),
    path("inbox/<slug:view>/", desk.inbox, name="inbox_view"),
    path("bulk/", desk.bulk, name="bulk"),
    path("away/", desk.away, name="away"),
    path("log/", desk.log_request, name="log"),
    path("<id:pk>/", desk.detail, name="detail"),
    path("<id:pk>/properties/", desk.properties, name="properties"),
    path("<id:pk>/merge/", desk.merge, name="merge"),
    path("<id:pk>/link/", desk.link, name="link"),
    path("inbound/", desk.inbound_list, name="inbound"),
    path("inbound/<id:pk>/retry/", desk.inbound_retry, name="inbound_retry"),
]


@hooks.register("register_admin_urls")
def register_desk_urls():
    return [path("support/", include((desk_urls, "tickets_desk")))]


class AgentMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("tickets.change_ticket")


@hooks.register("register_admin_menu_item")
def register_support_menu():
    items = [
        AgentMenuItem(
            label, reverse("tickets_desk:inbox_view", args=[view]), name=f"support-{view}", icon_name="mail", order=i
        )
        for i, (view, label) in enumerate(desk.INBOX_TITLES.items())
    ]
    items.append(
        AgentMenuItem(
            _("Incoming e-mail"), reverse("tickets_desk:inbound"), name="support-inbound", icon_name="mail", order=21
        )
    )
    items.append(
        AgentMenuItem(
            _("Log a phone or chat request"),
            reverse("tickets_desk:log"),
            name="support-log",
            icon_name="plus",
            order=20,
        )
    )
    return SubmenuMenuItem(_("Support"), Menu(items=items), name="support", icon_name="mail", order=150)


class BusinessCalendarViewSet(SnippetViewSet):
    model = BusinessCalendar
    icon = "date"
    menu_label = _("Business hours")
    list_display = ["name", "time_zone"]


class QueueViewSet(SnippetViewSet):
    model = Queue
    icon = "group"
    list_display = ["name", "email", "lead", "auto_assign"]


class RequestTypeViewSet(SnippetViewSet):
    model = RequestType
    icon = "form"
    list_display = ["name", "queue", "order", "is_active"]


class SLAPolicyViewSet(SnippetViewSet):
    model = SLAPolicy
    icon = "time"
    list_display = [
        "name",
        "order",
        "priority",
        "first_reply_minutes",
        "next_reply_minutes",
        "resolution_minutes",
        "is_active",
    ]


class CannedResponseViewSet(SnippetViewSet):
    model = CannedResponse
    icon = "openquote"
    list_display = ["title", "queue"]


class SupportSetupGroup(SnippetViewSetGroup):
    items = (QueueViewSet, RequestTypeViewSet, SLAPolicyViewSet, BusinessCalendarViewSet, CannedResponseViewSet)
    menu_icon = "cogs"
    menu_label = _("Support setup")
    menu_name = "support-setup"
    menu_order = 160


register_snippet(SupportSetupGroup)
