"""Admin: the customer page of one person, of one organisation, and finding customers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.accounts.models import Organisation
from portal.text import single_line, without_nul

from . import access, campaigns, selectors
from .models import Campaign


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def person(request, pk: int):
    found = selectors.person_for_page(pk)
    if found is None:
        raise Http404
    if not access.may_open(request.user, found):
        raise PermissionDenied
    context = selectors.person_page(request.user, found, page=_page_number(request))
    selectors.record_access(request.user, found)
    return render(request, "customers/admin/person.html", context)


def organisation(request, pk: int):
    found = get_object_or_404(Organisation.objects.select_related("account_owner"), pk=pk)
    if not access.may_open_organisation(request.user, found):
        raise PermissionDenied
    return render(request, "customers/admin/organisation.html", selectors.organisation_page(found))


def directory(request):
    if not access.may_use(request.user):
        raise PermissionDenied
    query = single_line(without_nul(request.GET.get("q", "")))[:200]
    people = selectors.find(query)
    if not request.user.has_perm("accounts.view_user") and not request.user.has_perm("tickets.view_ticket"):
        people = people.filter(organisation__account_owner=request.user)
    page = Paginator(people, 50).get_page(request.GET.get("p"))
    return render(request, "customers/admin/directory.html", {"page": page, "query": query, "title": _("Customers")})


@require_http_methods(["GET", "POST"])
def start_campaign(request, pk: int):
    """Confirm, then start sending a draft campaign."""
    if not request.user.has_perm("customers.change_campaign"):
        raise PermissionDenied
    campaign = get_object_or_404(Campaign.objects.select_related("segment", "rfm_group"), pk=pk)
    if request.method == "POST":
        try:
            campaigns.start(campaign)
        except campaigns.CampaignError:
            messages.error(request, _("This campaign has already started."))
        else:
            messages.success(request, _("Sending “%(name)s” in batches.") % {"name": campaign.name})
        return redirect(reverse("wagtailsnippets_customers_campaign:list"))
    return render(
        request,
        "customers/admin/start_campaign.html",
        {"campaign": campaign, "audience": campaigns.audience(campaign).count()},
    )


def report(request):
    """Segments over time and what offers and campaigns changed (admins)."""
    from . import reports

    if not request.user.has_perm("customers.view_segment"):
        raise PermissionDenied
    months, groups = reports.group_sizes()
    _months, rule_segments = reports.segment_sizes()
    return render(
        request,
        "customers/admin/report.html",
        {
            "months": months,
            "groups": groups,
            "rule_segments": rule_segments,
            "moves": reports.moves(months[-2]) if len(months) > 1 else [],
            "moves_month": months[-2] if len(months) > 1 else None,
            "offers": reports.offer_results(),
            "campaigns": reports.campaign_results(),
            "window_days": reports.RENEWAL_WINDOW.days,
        },
    )
