"""Editors' reports: how articles are doing, and which are due for review."""

import django_filters
from django.db.models import Count, F, FloatField, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast, Coalesce, NullIf, Round
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView

from . import services
from .choices import FeedbackReason, ReviewTaskStatus
from .models import ArticleDailyViews, ArticleFeedback, ArticlePage, KnowledgeBasePage, ReviewTask


def article_statistics(queryset):
    """Annotate articles with views, votes, helpful share, reasons and open tasks (one query)."""
    views = (
        ArticleDailyViews.objects.filter(article=OuterRef("pk"))
        .values("article")
        .annotate(total=Sum("views"))
        .values("total")
    )
    votes = ArticleFeedback.objects.filter(article=OuterRef("pk")).values("article")
    annotations = {
        "view_count": Coalesce(Subquery(views, output_field=IntegerField()), 0),
        "vote_count": Coalesce(Subquery(votes.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0),
        "yes_count": Coalesce(
            Subquery(votes.filter(helpful=True).annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
        ),
        "open_tasks": Count("review_tasks", filter=Q(review_tasks__status=ReviewTaskStatus.OPEN), distinct=True),
    }
    for reason in FeedbackReason.values:
        annotations[f"reason_{reason}"] = Coalesce(
            Subquery(votes.filter(reason=reason).annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
        )
    return queryset.annotate(**annotations).annotate(
        helpful_percent=Round(
            Cast(F("yes_count"), FloatField()) * 100.0 / NullIf(Cast(F("vote_count"), FloatField()), 0.0)
        )
    )


class ArticleReportFilterSet(WagtailFilterSet):
    knowledge_base = django_filters.ModelChoiceFilter(
        label=_("Knowledge base"), queryset=KnowledgeBasePage.objects.all(), method="filter_knowledge_base"
    )

    def filter_knowledge_base(self, queryset, name, value):
        return queryset.descendant_of(value) if value else queryset

    class Meta:
        model = ArticlePage
        fields = ["audience"]


class FiguresReportView(ReportView):
    """A report of annotated figures: sorts on any figure, empty ones last, then in tree order."""

    def order_queryset(self, queryset):
        ordering = self.ordering or self.default_ordering
        field = ordering.lstrip("-")
        expression = F(field).desc(nulls_last=True) if ordering.startswith("-") else F(field).asc(nulls_last=True)
        return queryset.order_by(expression, "path")


def _count_column(name: str, label) -> Column:
    return Column(name, label=label, sort_key=name)


class ArticleFeedbackReport(FiguresReportView):
    """Views, helpful %, votes, reasons and open review tasks per article; sortable; CSV/XLSX export."""

    page_title = _("Article feedback")
    header_icon = "help"
    index_url_name = "kb_article_feedback_report"
    index_results_url_name = "kb_article_feedback_report_results"
    filterset_class = ArticleReportFilterSet
    default_ordering = "-view_count"
    columns = [
        TitleColumn("title", label=_("Article"), url_name="wagtailadmin_pages:edit", sort_key="title"),
        _count_column("view_count", _("Views")),
        _count_column("vote_count", _("Votes")),
        _count_column("helpful_percent", _("Helpful %")),
        *[_count_column(f"reason_{value}", label) for value, label in FeedbackReason.choices],
        _count_column("open_tasks", _("Open review tasks")),
    ]
    list_export = [
        "title",
        "view_count",
        "vote_count",
        "helpful_percent",
        *[f"reason_{r}" for r in FeedbackReason.values],
        "open_tasks",
    ]
    export_headings = {
        "title": _("Article"),
        "view_count": _("Views"),
        "vote_count": _("Votes"),
        "helpful_percent": _("Helpful %"),
        "open_tasks": _("Open review tasks"),
        **{f"reason_{value}": label for value, label in FeedbackReason.choices},
    }

    def get_queryset(self):
        services.flush_view_counts()
        return article_statistics(ArticlePage.objects.all())


class OverdueReviewsReport(ReportView):
    """Published articles whose review date has passed, oldest first."""

    page_title = _("Articles due for review")
    header_icon = "date"
    index_url_name = "kb_overdue_reviews_report"
    index_results_url_name = "kb_overdue_reviews_report_results"
    default_ordering = "review_by"
    columns = [
        TitleColumn("title", label=_("Article"), url_name="wagtailadmin_pages:edit", sort_key="title"),
        Column("content_owner", label=_("Owner")),
        Column("review_by", label=_("Review by"), sort_key="review_by"),
    ]
    list_export = ["title", "content_owner", "review_by"]
    export_headings = {"title": _("Article"), "content_owner": _("Owner"), "review_by": _("Review by")}

    def get_queryset(self):
        return ArticlePage.objects.live().filter(review_by__lt=timezone.localdate()).select_related("content_owner")


def knowledge_base_statistics(queryset):
    """Annotate knowledge bases with the totals of the articles below them (one query)."""

    def below(model, prefix: str):
        return model.objects.filter(**{f"{prefix}path__startswith": OuterRef("path")})

    def total(subquery, expression):
        return Coalesce(
            Subquery(subquery.annotate(n=expression).values("n")[:1], output_field=IntegerField()),
            0,
        )

    views = below(ArticleDailyViews, "article__").order_by().values("article__locale")
    votes = below(ArticleFeedback, "article__").order_by().values("article__locale")
    tasks = below(ReviewTask, "article__").filter(status=ReviewTaskStatus.OPEN).order_by().values("article__locale")
    articles = below(ArticlePage, "").order_by().values("locale")
    return queryset.annotate(
        article_count=total(articles, Count("pk")),
        view_count=total(views, Sum("views")),
        vote_count=total(votes, Count("pk")),
        yes_count=total(votes.filter(helpful=True), Count("pk")),
        open_tasks=total(tasks, Count("pk")),
    ).annotate(
        helpful_percent=Round(
            Cast(F("yes_count"), FloatField()) * 100.0 / NullIf(Cast(F("vote_count"), FloatField()), 0.0)
        )
    )


class KnowledgeBaseFeedbackReport(FiguresReportView):
    """The same figures per knowledge base: where readers struggle, product by product."""

    page_title = _("Knowledge base feedback")
    header_icon = "folder-open-inverse"
    index_url_name = "kb_knowledge_base_feedback_report"
    index_results_url_name = "kb_knowledge_base_feedback_report_results"
    default_ordering = "-view_count"
    columns = [
        TitleColumn("title", label=_("Knowledge base"), url_name="wagtailadmin_pages:edit", sort_key="title"),
        _count_column("article_count", _("Articles")),
        _count_column("view_count", _("Views")),
        _count_column("vote_count", _("Votes")),
        _count_column("helpful_percent", _("Helpful %")),
        _count_column("open_tasks", _("Open review tasks")),
    ]
    list_export = ["title", "article_count", "view_count", "vote_count", "helpful_percent", "open_tasks"]
    export_headings = {
        "title": _("Knowledge base"),
        "article_count": _("Articles"),
        "view_count": _("Views"),
        "vote_count": _("Votes"),
        "helpful_percent": _("Helpful %"),
        "open_tasks": _("Open review tasks"),
    }

    def get_queryset(self):
        services.flush_view_counts()
        return knowledge_base_statistics(KnowledgeBasePage.objects.all())


class ReviewTaskFilterSet(WagtailFilterSet):
    class Meta:
        model = ReviewTask
        fields = ["status"]
