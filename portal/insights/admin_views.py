"""Wagtail admin → Insights: the support overview, per-queue and per-agent tables, and the
requests behind every number. Figures come from metrics.py; nothing is computed here."""

import csv
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tickets.choices import Priority
from tickets.models import Queue
from tickets.templatetags.tickets_tags import duration

from . import metrics, selectors
from .forms import InsightsForm
from .permissions import may_see_insights
from .rollups import applies as rollups_apply
from .rollups import reading_once

#: Rows per page of the requests behind a number.
PER_PAGE = 50


@dataclass
class Row:
    """One line of the overview: this period, the one before, and where the number leads."""

    label: str
    current: object
    previous: object
    kind: str = "count"  # "count", "percent" or "seconds"
    drill: str = ""  # a selectors.DRILLS key, or ""
    better: str = "up"  # which way is good: "up", "down" or "" (neither)

    @property
    def change(self) -> str:
        if not isinstance(self.current, int | float) or not isinstance(self.previous, int | float):
            return ""
        if self.kind == "percent":
            return f"{self.current - self.previous:+.1f} pp"
        if self.kind == "score":
            return f"{self.current - self.previous:+d}"
        if self.kind == "seconds":
            sign = "+" if self.current >= self.previous else "−"
            return sign + duration(timedelta(seconds=abs(self.current - self.previous)))
        return f"{self.current - self.previous:+d}"

    @property
    def trend(self) -> str:
        """ "good", "bad" or "" — told in words too, never by colour alone."""
        if not self.change or self.current == self.previous or not self.better:
            return ""
        up = self.current > self.previous
        return "good" if up == (self.better == "up") else "bad"

    @property
    def current_display(self) -> str:
        return self.show(self.current)

    @property
    def previous_display(self) -> str:
        return self.show(self.previous)

    def show(self, value) -> str:
        if value is None:
            return "–"
        if self.kind == "percent":
            return f"{value:.1f} %"
        if self.kind == "seconds":
            return duration(timedelta(seconds=value))
        return str(value)


def _figures(period, scope) -> dict:
    plan = dict(scope.filters).get("plan")
    return {
        "nps": metrics.nps(period, plan_id=plan),
        "volume": metrics.volume(period, scope),
        "first": metrics.reply_times(period, "first", scope),
        "next": metrics.reply_times(period, "next", scope),
        "resolution": (solved := metrics.resolution(period, scope)),
        "sla": metrics.sla_attainment(period, scope, solved=solved),
        "csat": metrics.csat(period, scope),
    }


def overview_rows(period, scope) -> list[tuple[str, list[Row]]]:
    now, before = _figures(period, scope), _figures(period.previous(), scope)

    def row(label, section, key, **options):
        return Row(label, now[section][key], before[section][key], **options)

    def sla(label, target):
        return Row(label, now["sla"][target]["percent"], before["sla"][target]["percent"], kind="percent")

    def late(label, target):
        missed = now["sla"][target]["missed"], before["sla"][target]["missed"]
        return Row(label, *missed, drill=f"{target}_missed", better="down")

    return [
        (
            _("Volume"),
            [
                row(_("Filed"), "volume", "created", drill="created", better=""),
                row(_("Solved"), "volume", "solved", drill="solved"),
                row(_("Reopened"), "volume", "reopened", drill="reopened", better="down"),
                row(_("Open at the end of the period"), "volume", "backlog", drill="backlog", better="down"),
            ],
        ),
        (
            _("Replies"),
            [
                row(
                    _("First reply, median (business hours)"),
                    "first",
                    "business_median",
                    kind="seconds",
                    drill="first_reply",
                    better="down",
                ),
                row(
                    _("First reply, 90th percentile (business hours)"),
                    "first",
                    "business_p90",
                    kind="seconds",
                    drill="first_reply",
                    better="down",
                ),
                row(
                    _("First reply, median (calendar)"),
                    "first",
                    "median",
                    kind="seconds",
                    drill="first_reply",
                    better="down",
                ),
                row(_("Next reply, median (business hours)"), "next", "business_median", kind="seconds", better="down"),
                row(
                    _("Next reply, 90th percentile (business hours)"),
                    "next",
                    "business_p90",
                    kind="seconds",
                    better="down",
                ),
            ],
        ),
        (
            _("Resolution"),
            [
                row(
                    _("Resolution, median (business hours)"),
                    "resolution",
                    "business_median",
                    kind="seconds",
                    drill="solved",
                    better="down",
                ),
                row(
                    _("Resolution, 90th percentile (business hours)"),
                    "resolution",
                    "business_p90",
                    kind="seconds",
                    drill="solved",
                    better="down",
                ),
                row(
                    _("Resolution, median (calendar)"),
                    "resolution",
                    "median",
                    kind="seconds",
                    drill="solved",
                    better="down",
                ),
                row(_("Reopen rate"), "resolution", "reopen_rate", kind="percent", drill="reopened", better="down"),
                row(
                    _("First-contact resolution"),
                    "resolution",
                    "first_contact_rate",
                    kind="percent",
                    drill="first_contact",
                ),
            ],
        ),
        (
            _("Service levels"),
            [
                sla(_("First replies on time"), "first_reply"),
                late(_("First replies late"), "first_reply"),
                sla(_("Next replies on time"), "next_reply"),
                late(_("Next replies late"), "next_reply"),
                sla(_("Solved on time"), "resolution"),
                late(_("Solved late"), "resolution"),
            ],
        ),
        (
            _("Satisfaction"),
            [
                row(_("Rated good (CSAT)"), "csat", "percent_good", kind="percent"),
                row(_("Ratings"), "csat", "rated", better=""),
                row(_("Rated bad"), "csat", "bad", drill="bad_rating", better="down"),
                row(_("Surveys answered"), "csat", "response_rate", kind="percent"),
                row(_("Net Promoter Score (−100 to 100)"), "nps", "score", kind="score"),
                row(_("NPS answers"), "nps", "responses", better=""),
                row(_("Promoters (9–10)"), "nps", "promoters"),
                row(_("Detractors (0–6)"), "nps", "detractors", better="down"),
            ],
        ),
    ]


def _names(dimension: str, keys) -> dict:
    keys = [key for key in keys if key is not None]
    if dimension == "queue":
        return dict(Queue.objects.filter(pk__in=keys).values_list("pk", "name"))
    if dimension == "agent":
        return {
            person.pk: person.get_full_name() or person.email for person in get_user_model().objects.filter(pk__in=keys)
        }
    return {}


def table_rows(period, scope, dimension: str) -> list[dict]:
    figures = metrics.table(period, dimension, scope)
    names = _names(dimension, figures)
    rows = [
        {
            "key": key,
            "name": names.get(key) or (_("Unassigned") if key is None else str(key)),
            "first_reply_display": duration(timedelta(seconds=values["first_reply_business_median"]))
            if values["first_reply_business_median"] is not None
            else "–",
            **values,
        }
        for key, values in figures.items()
    ]
    return sorted(rows, key=lambda row: (-row["created"], str(row["name"])))


def _context(request):
    if not may_see_insights(request.user):
        raise PermissionDenied
    form = InsightsForm(request.GET or None, user=request.user)
    return form, form.period(), form.scope()


@reading_once
def overview(request):
    form, period, scope = _context(request)
    sections = overview_rows(period, scope)
    queues = table_rows(period, scope, "queue")
    people = table_rows(period, scope, "agent")
    grain = form.trend_grain(period)
    trend = metrics.series(period, grain, scope)
    for row in trend:
        median = row["first_reply_business_median"]
        row["first_reply_display"] = duration(timedelta(seconds=median)) if median is not None else "–"
    return _page(
        request,
        "insights/admin/overview.html",
        period,
        lambda: export_tables(sections, queues, people, trend),
        {
            "form": form,
            "previous": period.previous(),
            "sections": sections,
            "queues": queues,
            "people": people,
            "self_service": _self_service_figures(period),
            "trend": trend,
            "grain": grain,
            "estimated": rollups_apply(period, scope),
        },
    )


def _self_service_figures(period) -> dict:
    figures = metrics.self_service(period)
    wait = figures["community_first_reply_median"]
    figures["community_first_reply_display"] = duration(timedelta(seconds=wait)) if wait is not None else ""
    return figures


def export_tables(sections, queues, people, trend) -> list[tuple[str, list, list[list]]]:
    """The overview as (sheet name, header, rows): the same tables for CSV and XLSX. Durations in
    seconds, shares in percent, so a spreadsheet can compute with them."""
    overview = [
        [str(heading), str(row.label), _raw(row.current), _raw(row.previous)]
        for heading, rows in sections
        for row in rows
    ]
    group_header = [
        _("Filed"),
        _("Solved"),
        _("Open"),
        _("First reply, median (business seconds)"),
        _("First replies on time %"),
        _("Rated good %"),
    ]

    def group_rows(rows):
        return [
            [
                str(row["name"]),
                row["created"],
                row["solved"],
                row["backlog"],
                _raw(row["first_reply_business_median"]),
                _raw(row["first_reply_sla"]),
                _raw(row["csat"]),
            ]
            for row in rows
        ]

    trend_rows = [
        [
            row["start"].isoformat(),
            row["created"],
            row["solved"],
            _raw(row["first_reply_business_median"]),
            _raw(row["first_reply_sla"]),
            _raw(row["csat"]),
        ]
        for row in trend
    ]
    return [
        (str(_("Overview")), [_("Section"), _("Figure"), _("This period"), _("Previous period")], overview),
        (str(_("By queue")), [_("Queue"), *group_header], group_rows(queues)),
        (str(_("By agent")), [_("Agent"), *group_header], group_rows(people)),
        (str(_("Trend")), [_("From"), *[group_header[i] for i in (0, 1, 3, 4, 5)]], trend_rows),
    ]


def _filters(request) -> str:
    """The page's filters as a query string, without the page number or an export."""
    filters = request.GET.copy()
    for name in ("p", "export"):
        filters.pop(name, None)
    return filters.urlencode()


def _page(request, template: str, period, tables, context: dict):
    """The page, or its tables as a download when asked for one."""
    download = _exported(request, period, tables)
    if download is not None:
        return download
    return render(request, template, {**context, "period": period, "filters": _filters(request)})


def _exported(request, period, tables):
    """The page's tables as a download when `?export=csv` or `?export=xlsx` asks for one, else None."""
    export_format = request.GET.get("export")
    if export_format not in ("csv", "xlsx"):
        return None
    return (_csv if export_format == "csv" else _xlsx)(period, tables() if callable(tables) else tables)


def _csv(period, tables) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="insights-{period.first_day}-{period.last_day}.csv"'
    writer = csv.writer(response)
    for index, (title, header, rows) in enumerate(tables):
        if index:
            writer.writerow([])
        writer.writerow([title])
        writer.writerow([str(cell) for cell in header])
        writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    return response


def _xlsx(period, tables) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, header, rows in tables:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([str(cell) for cell in header])
        for row in rows:
            sheet.append(row)
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="insights-{period.first_day}-{period.last_day}.xlsx"'
    workbook.save(response)
    return response


def _raw(value):
    """A figure as a spreadsheet takes it: a number (floats to one decimal) or None."""
    return round(value, 1) if isinstance(value, float) else value


@reading_once
def requests_behind(request, metric: str):
    form, period, scope = _context(request)
    if metric not in selectors.DRILLS:
        raise Http404
    page = Paginator(selectors.requests_behind(metric, period, scope), PER_PAGE).get_page(request.GET.get("p"))
    return render(
        request,
        "insights/admin/requests.html",
        {
            "form": form,
            "period": period,
            "title": selectors.DRILLS[metric],
            "page": page,
            "filters": _filters(request),
        },
    )


@reading_once
def satisfaction(request):
    """Satisfaction: NPS by month, and what customers wrote (NPS and "bad" ratings), newest first."""

    from .models import NPSSurvey

    form, period, scope = _context(request)
    answers = (
        NPSSurvey.objects.filter(period.contains("answered_at"), score__isnull=False)
        .exclude(comment="")
        .select_related("person", "follow_up")
        .order_by("-answered_at")
    )
    if scope.queues is not None:
        # An agent reads what customers of their own queues wrote, not everyone's.
        answers = answers.filter(last_request__queue_id__in=scope.queues)
    ratings = (
        scope.surveys()
        .filter(rating="bad")
        .filter(period.contains("answered_at"))
        .select_related("ticket", "customer")
        .order_by("-answered_at")
    )
    trend = metrics.nps_trend(period)

    def tables():
        written = [
            [a.answered_at.isoformat(), str(a.person), a.score, a.group, a.comment, a.follow_up_id] for a in answers
        ]
        rated = [[r.answered_at.isoformat(), r.ticket.reference, r.reason, r.comment] for r in ratings]
        return [
            (
                str(_("NPS by month")),
                [_("Month"), _("NPS"), _("Answers")],
                [[m.isoformat(), n, c] for m, n, c in trend],
            ),
            (
                str(_("NPS answers")),
                [_("Answered"), _("Person"), _("Score"), _("Group"), _("Why"), _("Follow-up")],
                written,
            ),
            (str(_("Rated bad")), [_("Answered"), _("Request"), _("Reason"), _("Comment")], rated),
        ]

    return _page(
        request,
        "insights/admin/satisfaction.html",
        period,
        tables,
        {
            "form": form,
            "nps": metrics.nps(period),
            "trend": trend,
            "answers": Paginator(answers, PER_PAGE).get_page(request.GET.get("p")),
            "ratings": list(ratings[:PER_PAGE]),
        },
    )


def follow_up(request, pk: int):
    """POST: a detractor's answer becomes a request for the queue lead (once)."""
    from django.contrib import messages
    from django.shortcuts import get_object_or_404, redirect

    from . import nps
    from .models import NPSSurvey
    from .permissions import sees_everything

    if request.method != "POST" or not may_see_insights(request.user) or not sees_everything(request.user):
        raise PermissionDenied
    survey = get_object_or_404(NPSSurvey, pk=pk)
    try:
        ticket = nps.open_follow_up(survey=survey, actor=request.user)
    except nps.SurveyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Follow-up %(reference)s opened.") % {"reference": ticket.reference})
    return redirect(f"{reverse('insights_satisfaction')}?{request.POST.get('filters', '')}")


@reading_once
def self_service(request):
    """Self-service: the figures, searches without results, most viewed and least helpful articles,
    community topics nobody answered."""
    form, period, _scope = _context(request)
    figures = _self_service_figures(period)
    lists = selectors.self_service_lists(period)
    products = metrics.self_service_by_product(period)

    def tables():
        return [
            (str(_("Figures")), [_("Figure"), _("Value")], [[key, _raw(value)] for key, value in figures.items()]),
            (
                str(_("By product")),
                [
                    _("Product"),
                    _("Help article views"),
                    _("Sessions that opened a suggestion"),
                    _("Deflected"),
                    _("Requests filed"),
                ],
                [[p["product"], p["help_views"], p["sessions"], p["deflected"], p["requests"]] for p in products],
            ),
            (
                str(_("Searches without results")),
                [_("Query"), _("Searches")],
                [[row["normalised"], row["searches"]] for row in lists["missing"]],
            ),
            (
                str(_("Most viewed articles")),
                [_("Article"), _("Views")],
                [[row["article__title"], row["views"]] for row in lists["viewed"]],
            ),
            (
                str(_("Least helpful articles")),
                [_("Article"), _("Answers"), _("Not helpful")],
                [[row["article__title"], row["votes"], row["no"]] for row in lists["unhelpful"]],
            ),
            (
                str(_("Community topics nobody answered")),
                [_("Topic"), _("Category"), _("Started")],
                [[t.title, t.category.name, t.created_at.isoformat()] for t in lists["unanswered"]],
            ),
        ]

    return _page(
        request,
        "insights/admin/self_service.html",
        period,
        tables,
        {"form": form, "figures": figures, "products": products, **lists},
    )


SLA_DIMENSIONS = [("queue", _("By queue")), ("priority", _("By priority")), ("agent", _("By agent"))]


@reading_once
def service_levels(request):
    """Service levels: each target this period and the one before, and the same per queue, priority
    and agent, every "late" count leading to the requests behind it."""
    form, period, scope = _context(request)
    now = metrics.sla_attainment(period, scope)
    before = metrics.sla_attainment(period.previous(), scope)
    targets = [
        ("first_reply", _("First reply"), "first_reply_missed"),
        ("next_reply", _("Next reply"), "next_reply_missed"),
        ("resolution", _("Resolution"), "resolution_missed"),
    ]
    tables = []
    for dimension, heading in SLA_DIMENSIONS:
        figures = metrics.sla_by(period, dimension, scope)
        names = _names(dimension, figures)
        if dimension == "priority":
            names = dict(Priority.choices)
        rows = sorted(
            (
                {"key": key, "name": names.get(key) or (_("Unassigned") if key is None else str(key)), **values}
                for key, values in figures.items()
            ),
            key=lambda row: str(row["name"]),
        )
        tables.append((dimension, heading, rows))

    def export():
        header = [_("Name"), _("First reply on time %"), _("Next reply on time %"), _("Solved on time %"), _("Late")]
        sheets = [
            (
                str(_("Targets")),
                [_("Target"), _("On time %"), _("On time"), _("Late"), _("On time, previous period")],
                [[str(label), now[key]["percent"], now[key]["met"], now[key]["missed"], before[key]["percent"]]
                 for key, label, _drill in targets],
            )
        ]  # fmt: skip
        for _dimension, heading, rows in tables:
            lines = [
                [
                    str(row["name"]),
                    row["first_reply"]["percent"],
                    row["next_reply"]["percent"],
                    row["resolution"]["percent"],
                    sum(row[target]["missed"] for target in ("first_reply", "next_reply", "resolution")),
                ]
                for row in rows
            ]
            sheets.append((str(heading), header, lines))
        return sheets

    return _page(
        request,
        "insights/admin/sla.html",
        period,
        export,
        {
            "form": form,
            "targets": [(key, label, drill, now[key], before[key]) for key, label, drill in targets],
            "tables": tables,
        },
    )
