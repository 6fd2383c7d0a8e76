"""Search analytics for editors: what people look for, what they do not find, what they open."""

import csv
from datetime import timedelta

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, FloatField, Max, Q
from django.db.models.functions import Cast, NullIf, Round
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import SearchLog

PERIODS = [(7, _("Last 7 days")), (30, _("Last 30 days")), (90, _("Last 90 days")), (365, _("Last year"))]
ROW_LIMIT = 100


class PeriodForm(forms.Form):
    days = forms.TypedChoiceField(label=_("Period"), choices=PERIODS, coerce=int, required=False, initial=30)
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The period must start before it ends."))
        return data

    def period(self) -> tuple:
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("start") or data.get("end"):
            start = data.get("start") or (data.get("end") or today) - timedelta(days=30)
            end = data.get("end") or today
        else:
            end = today
            start = end - timedelta(days=(data.get("days") or 30) - 1)
        return start, end


def query_statistics(start, end):
    """Per normalised query: searches, searches with no results, clicks and click-through %."""
    logs = SearchLog.objects.filter(created_at__date__gte=start, created_at__date__lte=end)
    return (
        logs.values("normalised")
        .annotate(
            searches=Count("pk"),
            no_results=Count("pk", filter=Q(results=0)),
            clicks=Count("pk", filter=~Q(clicked_key="")),
            example=Max("query"),
        )
        .annotate(
            click_through=Round(
                Cast(F("clicks"), FloatField()) * 100.0 / NullIf(Cast(F("searches"), FloatField()), 0.0)
            )
        )
    )


def search_report_data(start, end) -> dict:
    statistics = query_statistics(start, end)
    logs = SearchLog.objects.filter(created_at__date__gte=start, created_at__date__lte=end)
    totals = logs.aggregate(
        searches=Count("pk"), no_results=Count("pk", filter=Q(results=0)), clicks=Count("pk", filter=~Q(clicked_key=""))
    )
    searches = totals["searches"] or 0
    return {
        "top": list(statistics.order_by("-searches", "normalised")[:ROW_LIMIT]),
        "missing": list(statistics.filter(no_results__gt=0).order_by("-no_results", "normalised")[:ROW_LIMIT]),
        "totals": {
            **totals,
            "no_result_percent": round(100 * totals["no_results"] / searches) if searches else None,
            "click_through": round(100 * totals["clicks"] / searches) if searches else None,
        },
    }


def may_see_search_report(user) -> bool:
    """Editors (who write what is missing) and admins; a permission, so the admin menu asks no query."""
    return user.has_perm("wagtailadmin.access_admin") and user.has_perm("portal_search.view_searchlog")


def search_report(request):
    if not may_see_search_report(request.user):
        raise PermissionDenied
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    data = search_report_data(start, end)
    if request.GET.get("export") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="search-terms-{start}-{end}.csv"'
        writer = csv.writer(response)
        writer.writerow([_("Query"), _("Searches"), _("No results"), _("Clicks"), _("Click-through %")])
        for row in data["top"]:
            writer.writerow(
                [row["example"], row["searches"], row["no_results"], row["clicks"], row["click_through"] or 0]
            )
        return response
    export_query = request.GET.copy()
    export_query["export"] = "csv"
    return render(
        request,
        "search/admin/report.html",
        {"form": form, "start": start, "end": end, "export_query": export_query.urlencode(), **data},
    )
