"""/me/privacy/: each purpose with its history, changed in one click; and the withdrawal link of
every optional e-mail, which works without signing in."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.formatting import local_datetime
from portal.ratelimit import client_address

from . import consent, erasure
from .export import ExportError, request_export, take
from .models import ConsentEvent, ConsentHow, DataExport


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
    latest_export = DataExport.objects.filter(person=person).first()
    return render(request, "privacy/privacy.html", {"rows": rows, "export": latest_export})


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


@login_required
@require_POST
def export(request):
    """ "Download my data": built in the background; the person is e-mailed when it is ready."""
    request_export(request.user)
    messages.success(request, _("We are preparing a copy of your data and will e-mail you a link when it is ready."))
    return redirect("privacy:privacy")


@login_required
def download(request, key):
    """The e-mailed link: only for its person, once, for seven days."""
    try:
        ready = take(key=key, person=request.user)
    except ExportError as error:
        return render(request, "privacy/download.html", {"error": str(error)}, status=403)
    stamp = ready.ready_at.strftime("%Y-%m-%d")
    return FileResponse(ready.file.open("rb"), as_attachment=True, filename=f"my-data-{stamp}.zip")


@reauthentication_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    """ "Delete my account": what goes and what stays (from the registry), after signing in again."""
    existing = erasure.pending(request.user)
    if request.method == "POST" and existing is None:
        existing = erasure.request_erasure(request.user)
        messages.success(
            request,
            _("Your account will be deleted on %(date)s. We e-mailed you a link that cancels it.")
            % {"date": local_datetime(existing.due_at, "DATE_FORMAT")},
        )
        return redirect("privacy:delete_account")
    return render(request, "privacy/delete.html", {"pending": existing, "plan": erasure.what_happens()})


@require_http_methods(["GET", "POST"])
def cancel_erasure(request, key):
    """The e-mailed link: a page that asks, and a button that cancels the deletion."""
    if request.method == "POST":
        cancelled = erasure.cancel(key)
        return render(request, "privacy/cancel.html", {"cancelled": cancelled, "done": True})
    return render(request, "privacy/cancel.html", {})
