"""/me/privacy/: each purpose with its history, changed in one click; and the withdrawal link of
every optional e-mail, which works without signing in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.ratelimit import client_address

from . import consent
from .models import ConsentEvent, ConsentHow


@login_required
def privacy(request):
    person = request.user
    newest = consent.latest(person)
    history: dict[str, list[ConsentEvent]] = {}
    for event in ConsentEvent.objects.filter(person=person).order_by("-at", "-pk")[:200]:
        history.setdefault(event.purpose, []).append(event)
    rows = [
        {
            "purpose": purpose,
            "allowed": purpose.required or consent.is_current(newest.get(purpose.code), purpose),
            "asked_again": bool(
                newest.get(purpose.code)
                and newest[purpose.code].granted
                and newest[purpose.code].version < purpose.version
            ),
            "history": history.get(purpose.code, []),
        }
        for purpose in consent.purposes()
    ]
    return render(request, "privacy/privacy.html", {"rows": rows})


@login_required
@require_POST
def change(request, code: str):
    purpose = consent.purpose(code)
    if purpose is None or purpose.required:
        raise Http404
    granted = request.POST.get("granted") == "1"
    consent.record(
        person=request.user, code=code, granted=granted, how=ConsentHow.ACCOUNT, ip_address=client_address(request)
    )
    if granted:
        messages.success(request, _("Thank you. You allowed: %(purpose)s.") % {"purpose": purpose.name})
    else:
        messages.success(request, _("Withdrawn: %(purpose)s.") % {"purpose": purpose.name})
    return redirect("privacy:privacy")


@require_http_methods(["GET", "POST"])
def withdraw(request, token: str):
    """From an e-mail: a page that names the purpose, and a button that withdraws it (a mail
    scanner following the link withdraws nothing)."""
    person, purpose = consent.open_withdraw_link(token)
    if person is None:
        return render(request, "privacy/withdraw.html", {"error": _("This link is not valid.")}, status=400)
    if request.method == "POST":
        consent.record(
            person=person,
            code=purpose.code,
            granted=False,
            how=ConsentHow.EMAIL_LINK,
            ip_address=client_address(request),
        )
        return render(request, "privacy/withdraw.html", {"purpose": purpose, "done": True})
    return render(request, "privacy/withdraw.html", {"purpose": purpose})
