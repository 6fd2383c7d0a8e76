"""Admin for the knowledge base: snippets, review tasks, reports, the owner's dashboard panel."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .admin_views import LocalTimeInspectView, cyrillic_draft
from .choices import ReviewTaskStatus
from .cyrillic import can_draft, cyrillic_locale
from .models import ArticlePage, Product, ReviewTask, SharedText
from .reports import ArticleFeedbackReport, KnowledgeBaseFeedbackReport, OverdueReviewsReport, ReviewTaskFilterSet


class ProductViewSet(SnippetViewSet):
    model = Product
    icon = "tag"
    menu_label = _("Products")
    list_display = ["name", "slug"]


class SharedTextViewSet(SnippetViewSet):
    model = SharedText
    icon = "doc-full"
    menu_label = _("Shared texts")


class ReviewTaskViewSet(SnippetViewSet):
    """Readers' “no” votes with reasons, as work for the article's owner."""

    model = ReviewTask
    icon = "warning"
    menu_label = _("Review tasks")
    add_to_admin_menu = True
    menu_order = 210
    inspect_view_enabled = True
    inspect_view_class = LocalTimeInspectView
    list_display = ["article", "status", "opened_at", "updated_at"]
    filterset_class = ReviewTaskFilterSet
    inspect_template_name = "knowledge_base/admin/review_task_inspect.html"
    inspect_view_fields = ["article", "status", "opened_at", "updated_at", "closed_at", "closed_by_revision"]

    def get_queryset(self, request):
        return ReviewTask.objects.select_related("article").order_by("status", "-updated_at")


register_snippet(ProductViewSet)
register_snippet(SharedTextViewSet)
register_snippet(ReviewTaskViewSet)


@hooks.register("register_page_header_buttons")
def cyrillic_draft_button(page, user, next_url=None, view_name=None):
    """On a Serbian Latin page with no Cyrillic version yet: a link to draft one."""
    if view_name != "edit" or not can_draft(page) or page.get_translation_or_none(cyrillic_locale()) is not None:
        return []
    return [
        Button(
            _("Draft in Cyrillic"),
            reverse("kb_cyrillic_draft", args=[page.pk]),
            icon_name="doc-full",
            priority=60,
        )
    ]


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("pages/<id:page_id>/cyrillic-draft/", cyrillic_draft, name="kb_cyrillic_draft"),
        path("reports/article-feedback/", ArticleFeedbackReport.as_view(), name="kb_article_feedback_report"),
        path(
            "reports/article-feedback/results/",
            ArticleFeedbackReport.as_view(results_only=True),
            name="kb_article_feedback_report_results",
        ),
        path(
            "reports/knowledge-base-feedback/",
            KnowledgeBaseFeedbackReport.as_view(),
            name="kb_knowledge_base_feedback_report",
        ),
        path(
            "reports/knowledge-base-feedback/results/",
            KnowledgeBaseFeedbackReport.as_view(results_only=True),
            name="kb_knowledge_base_feedback_report_results",
        ),
        path("reports/overdue-reviews/", OverdueReviewsReport.as_view(), name="kb_overdue_reviews_report"),
        path(
            "reports/overdue-reviews/results/",
            OverdueReviewsReport.as_view(results_only=True),
            name="kb_overdue_reviews_report_results",
        ),
    ]


class EditorsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("wagtailadmin.access_admin") and (
            request.user.is_superuser or request.user.groups.filter(name__in=["Editors", "Writers"]).exists()
        )


@hooks.register("register_reports_menu_item")
def register_article_feedback_report_menu_item():
    return EditorsMenuItem(_("Article feedback"), reverse("kb_article_feedback_report"), icon_name="help", order=950)


@hooks.register("register_reports_menu_item")
def register_knowledge_base_feedback_report_menu_item():
    return EditorsMenuItem(
        _("Knowledge base feedback"),
        reverse("kb_knowledge_base_feedback_report"),
        icon_name="folder-open-inverse",
        order=952,
    )


@hooks.register("register_reports_menu_item")
def register_overdue_reviews_menu_item():
    return EditorsMenuItem(
        _("Articles due for review"), reverse("kb_overdue_reviews_report"), icon_name="date", order=951
    )


class OverdueReviewsPanel(Component):
    """On the owner's dashboard: their articles whose review date has passed, and their open tasks."""

    name = "kb_overdue_reviews"
    order = 90
    template_name = "knowledge_base/admin/overdue_panel.html"

    def __init__(self, user) -> None:
        self.user = user

    def get_context_data(self, parent_context=None):
        from django.utils import timezone

        owned = ArticlePage.objects.filter(content_owner=self.user)
        return {
            "overdue": owned.live().filter(review_by__lt=timezone.localdate()).order_by("review_by")[:20],
            "tasks": ReviewTask.objects.filter(article__in=owned, status=ReviewTaskStatus.OPEN)
            .select_related("article")
            .order_by("-updated_at")[:20],
        }


@hooks.register("construct_homepage_panels")
def add_overdue_reviews_panel(request, panels):
    panels.append(OverdueReviewsPanel(request.user))
