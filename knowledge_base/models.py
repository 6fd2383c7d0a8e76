"""Knowledge base pages. The help root lives at /help/; products' knowledge bases hang below it."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index


class HelpIndexPage(Page):
    """The help centre's root (/help/): one per site and locale, lists what is published below."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    template = "knowledge_base/help_index_page.html"

    class Meta:
        verbose_name = _("help centre")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["topics"] = self.get_children().live().public().specific()
        return context
