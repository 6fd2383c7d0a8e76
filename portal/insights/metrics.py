"""Support and self-service metrics: pure functions over querysets, aggregated in SQL.

Every function takes a `Period` and, where it measures requests, a `Scope` (the slice: queue,
agent, type, product, channel, priority, organisation, plan). Each returns plain numbers, so a
dashboard, a CSV export, an e-mail and a test read the same figures. Durations are seconds.
Definitions are in facts.py and in the README's "Insights" section; merged requests are not
measured.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField, Min, Q, QuerySet, Sum

from . import rollups
from .models import ReopenFacts, ReplyFacts, RequestFacts, SLAOutcome

#: Backlog age buckets: (label key, upper bound in days; None = no bound).
AGE_BUCKETS = [("under_1_day", 1), ("1_3_days", 3), ("3_7_days", 7), ("7_30_days", 30), ("over_30_days", None)]
DEFLECTION_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Period:
    """[start, end) in the portal's time zone, made of whole days."""

    first_day: date
    last_day: date
    time_zone: str = field(default_factory=lambda: settings.TIME_ZONE)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time(), ZoneInfo(self.time_zone))

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last_day + timedelta(days=1), time(), ZoneInfo(self.time_zone))

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return replace(
            self, first_day=self.first_day - timedelta(days=self.days), last_day=self.first_day - timedelta(days=1)
        )

    def contains(self, prefix: str) -> Q:
        return Q(**{f"{prefix}__gte": self.start, f"{prefix}__lt": self.end})


#: Slice name → (field on RequestFacts, field on ReplyFacts or None when replies cannot be sliced so).
DIMENSIONS = {
    "queue": ("queue_id", "queue_id"),
    "agent": ("assignee_id", "agent_id"),
    "request_type": ("request_type_id", "request__request_type_id"),
    "product": ("product", "request__product"),
    "channel": ("channel", "channel"),
    "priority": ("priority", "priority"),
    "organisation": ("organisation_id", "request__organisation_id"),
    "plan": ("plan_id", "request__plan_id"),
}


@dataclass(frozen=True)
class Scope:
    """Which requests a figure counts: every one, or those of a slice; `queues` limits an agent's view."""

    filters: tuple[tuple[str, object], ...] = ()
    queues: tuple[int, ...] | None = None  # None: all queues

    @classmethod
    def of(cls, queues=None, **slices) -> Scope:
        unknown = set(slices) - set(DIMENSIONS)
        if unknown:
            raise ValueError(f"unknown slice: {', '.join(sorted(unknown))}")
        return cls(tuple(sorted((k, v) for k, v in slices.items() if v not in (None, ""))), queues)

    def requests(self) -> QuerySet:
        facts = RequestFacts.objects.all()
        if self.queues is not None:
            facts = facts.filter(queue_id__in=self.queues)
        return facts.filter(**{DIMENSIONS[name][0]: value for name, value in self.filters})

    def replies(self) -> QuerySet:
        replies = ReplyFacts.objects.all()
        if self.queues is not None:
            replies = replies.filter(queue_id__in=self.queues)
        return replies.filter(**{DIMENSIONS[name][1]: value for name, value in self.filters})

    def through(self, path: str) -> Q:
        """The same slice seen from a model that reaches RequestFacts through `path` (a join, not
        a subquery over every request)."""
        condition = Q(**{f"{path}__isnull": False})
        if self.queues is not None:
            condition &= Q(**{f"{path}__queue_id__in": self.queues})
        for name, value in self.filters:
            condition &= Q(**{f"{path}__{DIMENSIONS[name][0]}": value})
        return condition

    def reopenings(self) -> QuerySet:
        return ReopenFacts.objects.filter(self.through("request"))

    def surveys(self) -> QuerySet:
        from tickets.models import SatisfactionSurvey

        return SatisfactionSurvey.objects.filter(self.through("ticket__facts"))


class Percentile(Aggregate):
    """PostgreSQL's continuous percentile (an ordered-set aggregate)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile(values: list[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks, as PostgreSQL's percentile_cont computes it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = fraction * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def distributions(queryset: QuerySet, *field_names: str, **counts) -> dict:
    """Median and p90 of each numeric column (nulls left out) and any extra counts, in one query on
    PostgreSQL: {"count", "<field>_median", "<field>_p90", **counts}. `count` counts the rows where
    the first column has a value."""
    first = field_names[0]
    queryset = queryset.filter(**{f"{first}__isnull": False})
    if connection.vendor == "postgresql":
        aggregates = {"count": Count("pk"), **counts}
        for name in field_names:
            aggregates[f"{name}_median"] = Percentile(name, 0.5, filter=Q(**{f"{name}__isnull": False}))
            aggregates[f"{name}_p90"] = Percentile(name, 0.9, filter=Q(**{f"{name}__isnull": False}))
        return queryset.aggregate(**aggregates)
    figures = queryset.aggregate(count=Count("pk"), **counts) if counts else {}
    rows = list(queryset.values_list(*field_names))
    figures["count"] = len(rows)
    for index, name in enumerate(field_names):
        values = [row[index] for row in rows if row[index] is not None]
        figures[f"{name}_median"] = percentile(values, 0.5)
        figures[f"{name}_p90"] = percentile(values, 0.9)
    return figures


def share(part: int, whole: int) -> float | None:
    """part ÷ whole as a percentage with one decimal; None when there is nothing to divide."""
    return round(100 * part / whole, 1) if whole else None


# --- Support --------------------------------------------------------------------------------


def open_at(moment: datetime) -> Q:
    """Filed before `moment` and not solved by then."""
    return Q(created_at__lt=moment) & (Q(resolved_at__isnull=True) | Q(resolved_at__gte=moment))


def open_parts(moment: datetime) -> tuple[Q, Q]:
    """`open_at` as two conditions that never overlap, each read from its own index: still open (a
    small partial index, however long the history) and solved since `moment`."""
    return (
        Q(created_at__lt=moment, resolved_at__isnull=True),
        Q(created_at__lt=moment, resolved_at__gte=moment),
    )


def open_counts(requests: QuerySet, moment: datetime, key: str | None = None, **counts) -> dict:
    """Counts of the requests open at `moment` ({"total", **counts}), per value of `key` when given.
    Counting `created_at` (never empty, and in the index) lets the database read only the index."""
    totals: dict = {}
    for condition in open_parts(moment):
        part = requests.filter(condition)
        if key is None:
            rows = [part.aggregate(total=Count("created_at"), **counts)]
        else:
            rows = part.values(key).annotate(total=Count("created_at"), **counts).order_by()
        for row in rows:
            group = row.pop(key) if key else None
            target = totals.setdefault(group, dict.fromkeys(row, 0))
            for name, value in row.items():
                target[name] += value or 0
    return totals


def volume(period: Period, scope: Scope = Scope()) -> dict:
    """Requests created, solved and reopened in the period; the backlog open at its end, by age."""
    requests = scope.requests()
    end = period.end
    buckets, lower = {}, None
    for name, days in AGE_BUCKETS:
        condition = Q()
        if days is not None:
            condition &= Q(created_at__gt=end - timedelta(days=days))
        if lower is not None:
            condition &= Q(created_at__lte=end - timedelta(days=lower))
        buckets[name] = Count("created_at", filter=condition) if condition else Count("created_at")
        lower = days
    backlog = open_counts(requests, end, **buckets)[None]
    if rollups.applies(period, scope):
        counted = rollups.counts(period, scope).get(None, {})
        created, solved = counted.get("created", 0), counted.get("solved", 0)
    else:
        created = requests.filter(period.contains("created_at")).count()
        solved = requests.filter(period.contains("resolved_at")).count()
    return {
        "created": created,
        "solved": solved,
        "reopened": scope.reopenings().filter(period.contains("reopened_at")).count(),
        "backlog": backlog.pop("total"),
        "backlog_ages": backlog,
    }


def reply_times(period: Period, kind: str, scope: Scope = Scope()) -> dict:
    """First ("first") or next ("next") reply times of replies sent in the period: calendar and business."""
    if rollups.applies(period, scope):
        counted = rollups.counts(period, scope).get(None, {})
        calendar = rollups.percentiles(period, scope, kind).get(None, (None, None))
        business = rollups.percentiles(period, scope, f"{kind}_business").get(None, (None, None))
        return {
            "count": counted.get(f"{kind}_replies", 0),
            "median": calendar[0],
            "p90": calendar[1],
            "business_median": business[0],
            "business_p90": business[1],
        }
    replies = scope.replies().filter(period.contains("replied_at"), kind=kind)
    figures = distributions(replies, "seconds", "business_seconds")
    return {
        "count": figures["count"],
        "median": figures["seconds_median"],
        "p90": figures["seconds_p90"],
        "business_median": figures["business_seconds_median"],
        "business_p90": figures["business_seconds_p90"],
    }


def resolution(period: Period, scope: Scope = Scope()) -> dict:
    """Resolution times of requests solved in the period, their reopen rate and first-contact resolution.

    Reopen rate: solved requests that were ever reopened. First-contact resolution: solved with
    exactly one public reply of ours and never reopened.
    """
    if rollups.applies(period, scope):
        counted = rollups.counts(period, scope).get(None, {})
        calendar = rollups.percentiles(period, scope, "resolution").get(None, (None, None))
        business = rollups.percentiles(period, scope, "resolution_business").get(None, (None, None))
        figures = {
            "count": counted.get("solved", 0),
            "resolution_seconds_median": calendar[0],
            "resolution_seconds_p90": calendar[1],
            "resolution_business_seconds_median": business[0],
            "resolution_business_seconds_p90": business[1],
            "reopened": counted.get("reopened_solved", 0),
            "first_contact": counted.get("first_contact", 0),
            "met": counted.get("resolution_met", 0),
            "missed": counted.get("resolution_missed", 0),
        }
    else:
        figures = distributions(
            scope.requests().filter(period.contains("resolved_at")),
            "resolution_seconds",
            "resolution_business_seconds",
            reopened=Count("pk", filter=Q(reopens__gt=0)),
            first_contact=Count("pk", filter=Q(agent_replies=1, reopens=0)),
            met=Count("pk", filter=Q(resolution_sla=SLAOutcome.MET)),
            missed=Count("pk", filter=Q(resolution_sla=SLAOutcome.MISSED)),
        )
    solved_count = figures["count"]
    return {
        "solved": solved_count,
        "median": figures["resolution_seconds_median"],
        "p90": figures["resolution_seconds_p90"],
        "business_median": figures["resolution_business_seconds_median"],
        "business_p90": figures["resolution_business_seconds_p90"],
        "reopened": figures["reopened"],
        "reopen_rate": share(figures["reopened"], solved_count),
        "first_contact": figures["first_contact"],
        "first_contact_rate": share(figures["first_contact"], solved_count),
        "resolution_sla": _attained(figures["met"], figures["missed"]),
    }


def _attained(met: int, missed: int) -> dict:
    return {"met": met, "missed": missed, "percent": share(met, met + missed)}


def sla_attainment(period: Period, scope: Scope = Scope(), *, solved: dict | None = None) -> dict:
    """Targets met and missed per kind, for targets that concluded in the period (replies sent,
    requests solved), and the misses per queue. Requests without a policy are not counted.
    `solved` takes the figures `resolution()` read already, so they are not read twice."""
    if rollups.applies(period, scope):
        by_queue = rollups.counts(period, scope, "queue")
        total = rollups.counts(period, scope).get(None, {})
        missed_by_queue = {
            queue: row["first_missed"] + row["next_missed"] + row["resolution_missed"]
            for queue, row in by_queue.items()
            if row["first_missed"] + row["next_missed"] + row["resolution_missed"]
        }
        return {
            "first_reply": _attained(total.get("first_met", 0), total.get("first_missed", 0)),
            "next_reply": _attained(total.get("next_met", 0), total.get("next_missed", 0)),
            "resolution": _attained(total.get("resolution_met", 0), total.get("resolution_missed", 0)),
            "missed_by_queue": dict(sorted(missed_by_queue.items(), key=lambda item: -item[1])),
        }
    replies = scope.replies().filter(period.contains("replied_at"))
    outcomes = replies.aggregate(
        **{
            f"{kind}_{outcome}": Count("pk", filter=Q(kind=kind, sla=outcome))
            for kind in ReplyFacts.Kind.values
            for outcome in (SLAOutcome.MET, SLAOutcome.MISSED)
        }
    )
    solved_requests = scope.requests().filter(period.contains("resolved_at"))
    if solved is None:
        outcome = solved_requests.aggregate(
            met=Count("pk", filter=Q(resolution_sla=SLAOutcome.MET)),
            missed=Count("pk", filter=Q(resolution_sla=SLAOutcome.MISSED)),
        )
        solved = {"resolution_sla": _attained(outcome["met"], outcome["missed"])}
    missed_by_queue: dict[int, int] = {}
    for rows in (
        replies.filter(sla=SLAOutcome.MISSED).values("queue_id").annotate(n=Count("pk")),
        solved_requests.filter(resolution_sla=SLAOutcome.MISSED).values("queue_id").annotate(n=Count("pk")),
    ):
        for row in rows:
            missed_by_queue[row["queue_id"]] = missed_by_queue.get(row["queue_id"], 0) + row["n"]
    return {
        "first_reply": _attained(outcomes["first_met"], outcomes["first_missed"]),
        "next_reply": _attained(outcomes["next_met"], outcomes["next_missed"]),
        "resolution": solved["resolution_sla"],
        "missed_by_queue": dict(sorted(missed_by_queue.items(), key=lambda item: -item[1])),
    }


def sla_by(period: Period, dimension: str, scope: Scope = Scope()) -> dict:
    """Per group of `dimension`: each target's met and missed counts and percentage. Two queries."""
    request_key, reply_key = DIMENSIONS[dimension]
    rows: dict = {}
    replies = scope.replies().filter(period.contains("replied_at"))
    outcomes = replies.values(reply_key).annotate(
        **{
            f"{kind}_{outcome}": Count("pk", filter=Q(kind=kind, sla=outcome))
            for kind in ReplyFacts.Kind.values
            for outcome in (SLAOutcome.MET, SLAOutcome.MISSED)
        }
    )
    for row in outcomes:
        rows.setdefault(row[reply_key], {}).update(
            first_reply=_attained(row["first_met"], row["first_missed"]),
            next_reply=_attained(row["next_met"], row["next_missed"]),
        )
    solved = scope.requests().filter(period.contains("resolved_at"))
    resolutions = solved.values(request_key).annotate(
        met=Count("pk", filter=Q(resolution_sla=SLAOutcome.MET)),
        missed=Count("pk", filter=Q(resolution_sla=SLAOutcome.MISSED)),
    )
    for row in resolutions:
        rows.setdefault(row[request_key], {})["resolution"] = _attained(row["met"], row["missed"])
    nothing = _attained(0, 0)
    return {
        group: {target: figures.get(target, nothing) for target in ("first_reply", "next_reply", "resolution")}
        for group, figures in rows.items()
    }


def csat(period: Period, scope: Scope = Scope()) -> dict:
    """Satisfaction: good share of the ratings given in the period, response rate of the surveys
    sent in it, and the reasons given for "bad" (read from the facts, which copy each survey)."""
    requests = scope.requests()
    if rollups.applies(period, scope):
        counts = rollups.counts(period, scope).get(None, dict.fromkeys(rollups.COUNTS, 0))
    else:
        counts = requests.filter(period.contains("rated_at") | period.contains("survey_asked_at")).aggregate(
            rated=Count("pk", filter=period.contains("rated_at")),
            good=Count("pk", filter=period.contains("rated_at") & Q(rating="good")),
            asked=Count("pk", filter=period.contains("survey_asked_at")),
            answered=Count("pk", filter=period.contains("survey_asked_at") & Q(rated_at__isnull=False)),
        )
    reasons = (
        requests.filter(period.contains("rated_at"), rating="bad")
        .exclude(rating_reason="")
        .values("rating_reason")
        .annotate(n=Count("rated_at"))
        .order_by("-n", "rating_reason")
    )
    return {
        "rated": counts["rated"],
        "good": counts["good"],
        "bad": counts["rated"] - counts["good"],
        "percent_good": share(counts["good"], counts["rated"]),
        "asked": counts["asked"],
        "response_rate": share(counts["answered"], counts["asked"]),
        "bad_reasons": [(row["rating_reason"], row["n"]) for row in reasons],
    }


# --- Self-service ---------------------------------------------------------------------------


def self_service(period: Period) -> dict:
    """Help-centre views, searches and what they found, suggestions opened, deflection and the
    community's answers, for the whole portal (self-service has no queue)."""
    from community.models import Post, Topic
    from knowledge_base.models import ArticleDailyViews
    from portal.search.models import SearchLog, SuggestionOpened

    from .models import FilingStart

    views = ArticleDailyViews.objects.filter(day__gte=period.first_day, day__lte=period.last_day)
    help_views = views.aggregate(n=Sum("views"))["n"] or 0
    searches = SearchLog.objects.filter(period.contains("created_at")).aggregate(
        total=Count("pk"), without_results=Count("pk", filter=Q(results=0))
    )
    opened = SuggestionOpened.objects.filter(period.contains("opened_at"))
    started = FilingStart.objects.filter(period.contains("started_at")).values("session_key").distinct()
    sessions_started = started.count()
    deflected = (
        SuggestionOpened.objects.filter(area=SuggestionOpened.Area.SUPPORT, session_key__in=started)
        .values("session_key")
        .annotate(first_opened=Min("opened_at"), first_filed=Min("followed_up_at"))
        .filter(Q(first_filed__isnull=True) | Q(first_filed__gt=F("first_opened") + DEFLECTION_WINDOW))
        .count()
    )
    filed = RequestFacts.objects.filter(period.contains("created_at")).count()
    topics = Topic.objects.filter(period.contains("created_at"), state="published", merged_into__isnull=True)
    topic_counts = topics.aggregate(
        total=Count("pk"),
        answered=Count("pk", filter=Q(reply_count__gt=0)),
        accepted=Count("pk", filter=Q(accepted_post__isnull=False)),
    )
    first_replies = (
        Post.objects.filter(topic__in=topics, is_opening=False, state="published")
        .values("topic_id")
        .annotate(first=Min("created_at"), started=Min("topic__created_at"))
    )
    waits = [(row["first"] - row["started"]).total_seconds() for row in first_replies]
    return {
        "help_views": help_views,
        "searches": searches["total"],
        "searches_without_results": searches["without_results"],
        "zero_result_share": share(searches["without_results"], searches["total"]),
        "suggestions_opened": opened.count(),
        "suggestions_opened_support": opened.filter(area=SuggestionOpened.Area.SUPPORT).count(),
        "filing_sessions": sessions_started,
        "deflected_sessions": deflected,
        "deflection_rate": share(deflected, sessions_started),
        "requests_filed": filed,
        "self_service_score": round(help_views / filed, 1) if filed else None,
        "community_topics": topic_counts["total"],
        "community_answered": topic_counts["answered"],
        "community_answered_share": share(topic_counts["answered"], topic_counts["total"]),
        "community_accepted_share": share(topic_counts["accepted"], topic_counts["total"]),
        "community_first_reply_median": percentile(waits, 0.5),
    }


def self_service_by_product(period: Period) -> list[dict]:
    """Self-service and support side by side per product: help views, sessions that opened a
    suggestion about it while filing and how many of them did not file within 24 hours, requests
    filed about it, and help views per request. Four queries."""
    from knowledge_base.models import ArticleDailyViews
    from portal.search.models import SearchEntry, SuggestionOpened

    rows: dict[str, dict] = {}

    def row(product: str) -> dict:
        return rows.setdefault(
            product, {"product": product, "help_views": 0, "sessions": 0, "deflected": 0, "requests": 0}
        )

    views = (
        ArticleDailyViews.objects.filter(day__gte=period.first_day, day__lte=period.last_day)
        .values("article_id")
        .annotate(n=Sum("views"))
    )
    by_article = {item["article_id"]: item["n"] for item in views}
    sources = {f"page:{pk}": pk for pk in by_article}
    products = dict(
        SearchEntry.objects.filter(source__in=list(sources)).values_list("source", "product_name").distinct()
    )
    for source, pk in sources.items():
        row(products.get(source, ""))["help_views"] += by_article[pk]
    sessions = (
        SuggestionOpened.objects.filter(period.contains("opened_at"), area=SuggestionOpened.Area.SUPPORT)
        .values("product", "session_key")
        .annotate(first_opened=Min("opened_at"), first_filed=Min("followed_up_at"))
    )
    for item in sessions:
        figures = row(item["product"])
        figures["sessions"] += 1
        filed = item["first_filed"]
        figures["deflected"] += filed is None or filed > item["first_opened"] + DEFLECTION_WINDOW
    for item in RequestFacts.objects.filter(period.contains("created_at")).values("product").annotate(n=Count("pk")):
        row(item["product"])["requests"] += item["n"]
    for figures in rows.values():
        figures["deflection_rate"] = share(figures["deflected"], figures["sessions"])
        figures["self_service_score"] = (
            round(figures["help_views"] / figures["requests"], 1) if figures["requests"] else None
        )
    return sorted(
        rows.values(), key=lambda figures: (figures["product"] == "", -figures["requests"], figures["product"])
    )


# --- Tables ---------------------------------------------------------------------------------


def _grouped(queryset: QuerySet, key: str, field_name: str, **counts) -> dict:
    """{group: {"median": median of field_name, **counts}} in one query (PostgreSQL) or one read."""
    queryset = queryset.filter(**{f"{field_name}__isnull": False})
    if connection.vendor == "postgresql":
        rows = queryset.values(key).annotate(median=Percentile(field_name, 0.5), **counts)
        return {row.pop(key): row for row in rows}
    grouped: dict = {}
    for row in queryset.values(key).annotate(**counts):
        grouped[row.pop(key)] = {**row, "values": []}
    for group, value in queryset.values_list(key, field_name):
        grouped[group]["values"].append(value)
    return {group: {**row, "median": percentile(row.pop("values"), 0.5)} for group, row in grouped.items()}


#: A table row before its figures are put in.
TABLE_ROW = {
    "created": 0,
    "solved": 0,
    "backlog": 0,
    "first_reply_business_median": None,
    "first_reply_sla": None,
    "rated": 0,
    "csat": None,
}


def table(period: Period, dimension: str, scope: Scope = Scope()) -> dict:
    """Per group of `dimension` (queue, agent, …): created, solved, backlog, median first reply
    (business), first-reply SLA met %, and CSAT good %. Three queries, whatever the groups."""
    request_key, reply_key = DIMENSIONS[dimension]
    requests = scope.requests()
    rows: dict = {}

    def put(group, **figures):
        rows.setdefault(group, {}).update(figures)

    if rollups.applies(period, scope) and dimension in rollups.GROUPS:
        for group, row in rollups.counts(period, scope, dimension).items():
            if row["created"] or row["solved"] or row["rated"] or row["first_replies"]:
                put(group, created=row["created"], solved=row["solved"], rated=row["rated"])
                put(group, csat=share(row["good"], row["rated"]))
                put(group, first_reply_sla=share(row["first_met"], row["first_met"] + row["first_missed"]))
        for group, (median, _p90) in rollups.percentiles(period, scope, "first_business", dimension).items():
            put(group, first_reply_business_median=median)
        for group, row in open_counts(requests, period.end, request_key).items():
            put(group, backlog=row["total"])
        return {group: {**TABLE_ROW, **figures} for group, figures in rows.items()}
    touched = requests.filter(
        period.contains("created_at") | period.contains("resolved_at") | period.contains("rated_at")
    )
    counts = touched.values(request_key).annotate(
        created=Count("pk", filter=period.contains("created_at")),
        solved=Count("pk", filter=period.contains("resolved_at")),
        rated=Count("pk", filter=period.contains("rated_at")),
        good=Count("pk", filter=period.contains("rated_at") & Q(rating="good")),
    )
    for row in counts:
        put(
            row[request_key],
            created=row["created"],
            solved=row["solved"],
            rated=row["rated"],
            csat=share(row["good"], row["rated"]),
        )
    for group, row in open_counts(requests, period.end, request_key).items():
        put(group, backlog=row["total"])
    first = scope.replies().filter(period.contains("replied_at"), kind=ReplyFacts.Kind.FIRST)
    grouped = _grouped(
        first,
        reply_key,
        "business_seconds",
        met=Count("pk", filter=Q(sla=SLAOutcome.MET)),
        missed=Count("pk", filter=Q(sla=SLAOutcome.MISSED)),
    )
    for group, row in grouped.items():
        put(
            group,
            first_reply_business_median=row["median"],
            first_reply_sla=share(row["met"], row["met"] + row["missed"]),
        )
    return {group: {**TABLE_ROW, **figures} for group, figures in rows.items()}


# --- NPS ------------------------------------------------------------------------------------


def nps(period: Period, **context) -> dict:
    """Net Promoter Score of the answers given in the period: % promoters (9–10) − % detractors
    (0–6), rounded to a whole number as NPS is told; `context` slices by plan_id, tier or product
    as they were when asking."""
    from .models import NPSSurvey

    answers = NPSSurvey.objects.filter(period.contains("answered_at"), score__isnull=False).filter(
        **{key: value for key, value in context.items() if value not in (None, "")}
    )
    counts = answers.aggregate(
        responses=Count("pk"),
        promoters=Count("pk", filter=Q(score__gte=9)),
        passives=Count("pk", filter=Q(score__gte=7, score__lte=8)),
        detractors=Count("pk", filter=Q(score__lte=6)),
    )
    responses = counts["responses"]
    score = round(100 * (counts["promoters"] - counts["detractors"]) / responses) if responses else None
    return {**counts, "score": score}


def nps_trend(period: Period, months: int = 6) -> list[tuple[date, int | None, int]]:
    """(first day of month, NPS, responses) for the `months` months ending with the period's."""
    first = period.last_day.replace(day=1)
    starts = [first]
    for _ in range(months - 1):
        starts.insert(0, (starts[0] - timedelta(days=1)).replace(day=1))
    trend = []
    for start in starts:
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        figures = nps(Period(start, end, period.time_zone))
        trend.append((start, figures["score"], figures["responses"]))
    return trend


# --- Trends ---------------------------------------------------------------------------------

GRAINS = ("day", "week", "month")


def default_grain(period: Period) -> str:
    return "day" if period.days <= 31 else "week" if period.days <= 180 else "month"


def _buckets(period: Period, grain: str) -> list[date]:
    """The first day of each day, ISO week (Monday) or month that the period touches."""
    if grain == "day":
        start = period.first_day
    elif grain == "week":
        start = period.first_day - timedelta(days=period.first_day.weekday())
    else:
        start = period.first_day.replace(day=1)
    buckets = []
    while start <= period.last_day:
        buckets.append(start)
        if grain == "day":
            start += timedelta(days=1)
        elif grain == "week":
            start += timedelta(days=7)
        else:
            start = (start + timedelta(days=32)).replace(day=1)
    return buckets


def series(period: Period, grain: str, scope: Scope = Scope()) -> list[dict]:
    """Per day, week or month of the period (in its time zone): requests filed and solved, the
    median first reply in business time, first replies on time, and CSAT. Four queries."""
    from django.db.models.functions import TruncDay, TruncMonth, TruncWeek

    if grain not in GRAINS:
        raise ValueError(grain)
    trunc = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}[grain]
    zone = ZoneInfo(period.time_zone)
    empty = {"created": 0, "solved": 0, "first_reply_business_median": None, "first_reply_sla": None, "csat": None}
    rows = {start: {"start": start, **empty} for start in _buckets(period, grain)}

    def put(value, **figures):
        start = value.astimezone(zone).date() if isinstance(value, datetime) else value
        if start in rows:
            rows[start].update(figures)

    if grain == "month" and rollups.applies(period, scope):
        for month, row in rollups.counts(period, scope, "month").items():
            put(
                month,
                created=row["created"],
                solved=row["solved"],
                first_reply_sla=share(row["first_met"], row["first_met"] + row["first_missed"]),
                csat=share(row["good"], row["rated"]),
            )
        for month, (median, _p90) in rollups.percentiles(period, scope, "first_business", "month").items():
            put(month, first_reply_business_median=median)
        return list(rows.values())
    requests = scope.requests()
    for field_name, figure in (("created_at", "created"), ("resolved_at", "solved")):
        in_period = requests.filter(period.contains(field_name))
        for row in in_period.annotate(b=trunc(field_name, tzinfo=zone)).values("b").annotate(n=Count("pk")):
            put(row["b"], **{figure: row["n"]})
    first = scope.replies().filter(period.contains("replied_at"), kind=ReplyFacts.Kind.FIRST)
    grouped = _grouped(
        first.annotate(b=trunc("replied_at", tzinfo=zone)),
        "b",
        "business_seconds",
        met=Count("pk", filter=Q(sla=SLAOutcome.MET)),
        missed=Count("pk", filter=Q(sla=SLAOutcome.MISSED)),
    )
    for group, row in grouped.items():
        sla = share(row["met"], row["met"] + row["missed"])
        put(group, first_reply_business_median=row["median"], first_reply_sla=sla)
    ratings = (
        requests.filter(period.contains("rated_at"))
        .annotate(b=trunc("rated_at", tzinfo=zone))
        .values("b")
        .annotate(rated=Count("pk"), good=Count("pk", filter=Q(rating="good")))
    )
    for row in ratings:
        put(row["b"], csat=share(row["good"], row["rated"]))
    return list(rows.values())
