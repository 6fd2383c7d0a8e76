"""The requests behind a figure: what a dashboard number links to."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .metrics import Period, Scope, open_at
from .models import ReplyFacts, SLAOutcome

#: metric → what the list of requests behind it is called.
DRILLS = {
    "created": _("Requests filed"),
    "solved": _("Requests solved"),
    "reopened": _("Requests reopened"),
    "backlog": _("Requests open at the end of the period"),
    "first_reply": _("Requests first answered"),
    "first_reply_missed": _("First replies later than promised"),
    "next_reply_missed": _("Next replies later than promised"),
    "resolution_missed": _("Requests solved later than promised"),
    "first_contact": _("Requests solved with one reply"),
    "bad_rating": _("Requests rated bad"),
}


def requests_behind(metric: str, period: Period, scope: Scope) -> QuerySet:
    """RequestFacts of the requests a figure counts, newest first, with their ticket."""
    if metric not in DRILLS:
        raise ValueError(metric)
    requests = scope.requests()
    replies = scope.replies().filter(period.contains("replied_at"))
    conditions = {
        "created": period.contains("created_at"),
        "solved": period.contains("resolved_at"),
        "reopened": Q(pk__in=scope.reopenings().filter(period.contains("reopened_at")).values("request_id")),
        "backlog": open_at(period.end),
        "first_reply": Q(pk__in=replies.filter(kind=ReplyFacts.Kind.FIRST).values("request_id")),
        "first_reply_missed": Q(
            pk__in=replies.filter(kind=ReplyFacts.Kind.FIRST, sla=SLAOutcome.MISSED).values("request_id")
        ),
        "next_reply_missed": Q(
            pk__in=replies.filter(kind=ReplyFacts.Kind.NEXT, sla=SLAOutcome.MISSED).values("request_id")
        ),
        "resolution_missed": period.contains("resolved_at") & Q(resolution_sla=SLAOutcome.MISSED),
        "first_contact": period.contains("resolved_at") & Q(agent_replies=1, reopens=0),
        "bad_rating": period.contains("rated_at") & Q(rating="bad"),
    }
    return (
        requests.filter(conditions[metric])
        .select_related("ticket", "ticket__queue", "ticket__assignee")
        .order_by("-created_at", "-pk")
    )


#: Rows in each list of the self-service page.
LIST_LENGTH = 20
#: Votes an article needs before its "helpful" share is worth ranking.
MIN_VOTES = 3


def self_service_lists(period: Period) -> dict:
    """What self-service misses and what it does well in the period: searches without results,
    the most viewed articles, the least helpful ones, and community topics nobody answered."""
    from django.db.models import Count, F, FloatField, Sum
    from django.db.models.functions import Cast

    from community.models import Topic
    from knowledge_base.models import ArticleDailyViews, ArticleFeedback
    from portal.search.models import SearchLog

    missing = (
        SearchLog.objects.filter(period.contains("created_at"), results=0)
        .values("normalised")
        .annotate(searches=Count("pk"))
        .order_by("-searches", "normalised")[:LIST_LENGTH]
    )
    viewed = (
        ArticleDailyViews.objects.filter(day__gte=period.first_day, day__lte=period.last_day)
        .values("article_id", "article__title")
        .annotate(views=Sum("views"))
        .order_by("-views", "article__title")[:LIST_LENGTH]
    )
    unhelpful = (
        ArticleFeedback.objects.filter(period.contains("created_at"))
        .values("article_id", "article__title")
        .annotate(votes=Count("pk"), no=Count("pk", filter=Q(helpful=False)))
        .filter(votes__gte=MIN_VOTES, no__gt=0)
        .annotate(no_share=Cast(F("no"), FloatField()) * 100.0 / Cast(F("votes"), FloatField()))
        .order_by("-no_share", "-votes", "article__title")[:LIST_LENGTH]
    )
    unanswered = (
        Topic.objects.filter(
            period.contains("created_at"), state="published", reply_count=0, merged_into__isnull=True, is_locked=False
        )
        .select_related("category")
        .order_by("created_at", "pk")[:LIST_LENGTH]
    )
    return {
        "missing": list(missing),
        "viewed": list(viewed),
        "unhelpful": list(unhelpful),
        "unanswered": list(unanswered),
    }
