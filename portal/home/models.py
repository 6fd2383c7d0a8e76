"""The home page of each site: the front door to help, community and support."""

from django.core.cache import cache
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Locale, Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from portal.cache_versions import CONTENT, versions

#: The longest the home page's list of knowledge bases is kept without a content change.
HELP_PAGES_SECONDS = 600


class HomePage(Page):
    """Root page of a site. One per site and locale; everything public hangs below it."""

    heading = models.CharField(
        _("heading"),
        max_length=120,
        blank=True,
        help_text=_("The big question on the page, e.g. “How can we help?”"),
    )
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("heading"), FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["knowledge_base.HelpIndexPage"]
    template = "home/home_page.html"

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        """Serve the reader's language; where a page has no translation yet, fall back to the default.

        The fallback is flagged on the request so the page can say it is shown in another language.
        """
        try:
            return self._route_by_url_path(request, path_components)
        except Http404:
            default_home = self.get_translation_or_none(Locale.get_default())
            if default_home is None or default_home.pk == self.pk:
                raise
            result = default_home.specific._route_by_url_path(request, path_components)
            request.translation_missing = True
            return result

    def _route_by_url_path(self, request, path_components):
        """Find the page by its stored address instead of one query per path segment.

        Pages whose type routes by itself (a routable page) are left to Wagtail's usual walk.
        """
        if path_components:
            url_path = self.url_path + "/".join(path_components) + "/"
            page = Page.objects.filter(url_path=url_path, path__startswith=self.path).first()
            specific = page.specific if page is not None else None
            if specific is not None and type(specific).route is Page.route:
                if not specific.live:
                    raise Http404
                return RouteResult(specific)
        return super().route(request, path_components)

    def help_pages(self) -> tuple:
        """The help root below this home page and its first twelve knowledge bases, as every reader
        sees them (live, under no view restriction): kept per content version, which publishing,
        moving and restricting pages start anew."""
        key = f"home:help:{versions(CONTENT)}:{self.pk}"
        found = cache.get(key)
        if found is None:
            help_index = self.get_children().live().public().filter(slug="help").first()
            topics = list(help_index.get_children().live().public()[:12]) if help_index else []
            found = (help_index, topics)
            cache.set(key, found, HELP_PAGES_SECONDS)
        return found

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Pages below the help root are products' knowledge bases; list what this reader may see.
        help_index, help_topics = self.help_pages()
        context["help_index"] = help_index
        context["help_topics"] = help_topics
        if help_index is not None:
            from knowledge_base.selectors import popular_articles

            context["popular"] = popular_articles(root=help_index, user=request.user, limit=6)
        return context
