"""Admin: the customer page of one person, of one organisation, and finding customers."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from portal.accounts.models import Organisation

from . import access, selectors


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
    query = request.GET.get("q", "")[:200]
    people = selectors.find(query)
    if not request.user.has_perm("accounts.view_user") and not request.user.has_perm("tickets.view_ticket"):
        people = people.filter(organisation__account_owner=request.user)
    page = Paginator(people, 50).get_page(request.GET.get("p"))
    return render(request, "customers/admin/directory.html", {"page": page, "query": query, "title": _("Customers")})
