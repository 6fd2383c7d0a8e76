"""Admin: the search terms report for editors."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import reports


class EditorsMenuItem(MenuItem):
    def is_shown(self, request):
        return reports.may_see_search_report(request.user)


@hooks.register("register_admin_urls")
def register_search_report_url():
    return [path("reports/search-terms/", reports.search_report, name="search_terms_report")]


@hooks.register("register_reports_menu_item")
def register_search_report_menu_item():
    return EditorsMenuItem(_("Search terms"), reverse("search_terms_report"), icon_name="search", order=953)
