"""Admin: the search terms report and the synonym groups, for editors."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import reports
from .models import SynonymGroup


class EditorsMenuItem(MenuItem):
    def is_shown(self, request):
        return reports.may_see_search_report(request.user)


@hooks.register("register_admin_urls")
def register_search_report_url():
    return [path("reports/search-terms/", reports.search_report, name="search_terms_report")]


@hooks.register("register_reports_menu_item")
def register_search_report_menu_item():
    return EditorsMenuItem(_("Search terms"), reverse("search_terms_report"), icon_name="search", order=953)


class SynonymGroupViewSet(SnippetViewSet):
    """Editors' synonym groups: a query word of a group also finds the group's other words."""

    model = SynonymGroup
    icon = "search"
    menu_label = _("Synonyms")
    add_to_admin_menu = True
    menu_order = 215
    list_display = ["terms", "note"]
    search_fields = ["terms"]


register_snippet(SynonymGroupViewSet)
