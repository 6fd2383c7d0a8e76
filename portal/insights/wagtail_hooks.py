"""Admin: the Insights menu item and its pages."""

from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views
from .permissions import may_see_insights


class InsightsMenuItem(MenuItem):
    def is_shown(self, request):
        return may_see_insights(request.user)


@hooks.register("register_admin_urls")
def register_insights_urls():
    return [
        path("insights/", admin_views.overview, name="insights_overview"),
        path("insights/requests/<slug:metric>/", admin_views.requests_behind, name="insights_requests"),
        path("insights/satisfaction/", admin_views.satisfaction, name="insights_satisfaction"),
        path("insights/self-service/", admin_views.self_service, name="insights_self_service"),
        path("insights/service-levels/", admin_views.service_levels, name="insights_service_levels"),
        path("insights/nps/<int:pk>/follow-up/", admin_views.follow_up, name="insights_nps_follow_up"),
    ]


@hooks.register("register_admin_menu_item")
def register_insights_menu_item():
    return InsightsMenuItem(_("Insights"), reverse("insights_overview"), name="insights", icon_name="table", order=160)


@hooks.register("insert_global_admin_css")
def insights_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("insights/admin.css"))
