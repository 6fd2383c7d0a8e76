"""The customer's side of support: file a request, follow it, reply, solve, reopen.

Each view fetches through `selectors.access_*` (404 for what the person may not read),
validates with a form, calls one service and redirects.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from wagtail.models import Site

from knowledge_base.selectors import product_names

from . import permissions, satisfaction, selectors, services
from .forms import CCForm, NewRequestForm, ReasonForm, ReplyForm, RequestListForm, SurveyForm
from .inbound import ingest
from .models import RequestType, SupportSettings
from .signals import filing_started

REQUESTS_PER_PAGE = 20


def support_home(request):
    """Support's front page (/support/): the ways to reach the support team."""
    return render(request, "tickets/support_home.html")


@login_required
def new_request(request):
    """/support/new/: choose a type, then fill in its form. `?type=` or the posted `type` picks it."""
    types = list(RequestType.objects.filter(is_active=True).prefetch_related("fields"))
    chosen = request.POST.get("type") or request.GET.get("type")
    if chosen is None and len(types) == 1:
        chosen = str(types[0].pk)
    request_type = next((t for t in types if str(t.pk) == chosen), None)
    if request_type is None:
        status = 400 if chosen else 200
        if chosen:
            messages.error(request, _("That request type does not exist. Please choose one of these."))
        return render(request, "tickets/choose_type.html", {"types": types}, status=status)
    initial = {"subject": request.GET.get("subject", "")[:200]}
    form = NewRequestForm(
        request.POST or None,
        request.FILES or None,
        request_type=request_type,
        product_choices=product_names(),
        initial=initial,
    )
    if request.method == "GET":
        if not request.session.session_key:
            request.session.save()
        filing_started.send(sender=RequestType, session_key=request.session.session_key)
    limit = SupportSettings.current().requests_per_hour
    if request.method == "POST" and form.is_valid():
        if not permissions.may_file_now(request.user, per_hour=limit):
            form.add_error(
                None,
                _("You have filed %(count)s requests in the last hour. Please wait a while before filing another.")
                % {"count": limit},
            )
            return render(
                request,
                "tickets/new_request.html",
                {"form": form, "request_type": request_type, "types": types},
                status=429,
            )
        try:
            ticket = services.open_ticket(
                requester=request.user,
                **form.request_values(),
                cc=form.cleaned_data["cc"] or [],  # addresses: accounts are CC'd, others invited
                session_key=request.session.session_key or "",
                site=Site.find_for_request(request),
            )
        except services.SupportError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Thank you. Your request %(reference)s has been received.") % {"reference": ticket.reference}
            )
            return redirect(ticket.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "tickets/new_request.html",
        {"form": form, "request_type": request_type, "types": types},
        status=status,
    )


@login_required
def request_list(request):
    form = RequestListForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    sort_key = values.get("sort") or "updated"
    tickets = selectors.customer_requests(
        request.user,
        scope=values.get("scope") or "mine",
        query=(values.get("q") or "").strip(),
        status=values.get("status") or "",
        sort=RequestListForm.SORTS[sort_key][0],
    )
    extra = urlencode({k: v for k, v in values.items() if v})
    # One query says whether anything in the list changed; the rendered table is kept under it
    # (the template's fragment cache), and the page of rows is read only when it is rendered.
    count, latest = selectors.list_stamp(tickets)

    def rows():
        paginator = Paginator(tickets, REQUESTS_PER_PAGE)
        paginator.count = count  # known already: no second count query
        return paginator.get_page(request.GET.get("page"))

    return render(
        request,
        "tickets/request_list.html",
        {
            "form": form,
            "organisation_scope": selectors.can_see_organisation_requests(request.user),
            "list_version": selectors.list_version(request.user, extra, request.GET.get("page", ""), count, latest),
            "page_obj": SimpleLazyObject(rows),
            "extra": extra,
            "filtered": any(values.get(n) for n in ("q", "status")),
            "count": count,
        },
    )


@login_required
def request_detail(request, reference):
    ticket = selectors.access_ticket(request.user, reference)
    return _render_detail(request, ticket, None, CCForm())


def _render_detail(request, ticket, reply_form, cc_form, status=200):
    settings_obj = SupportSettings.current()
    is_requester = ticket.requester_id == request.user.pk
    can_change_cc = permissions.can_change_cc(request.user, ticket)
    survey = _open_survey(ticket) if is_requester and ticket.status == "solved" else None
    if not cc_form.is_bound and is_requester and ticket.is_active:
        cc_form = CCForm(initial={"cc": "\n".join(services.cc_addresses(ticket))})
    context = {
        "ticket": ticket,
        # The conversation and history are kept per version of the request (the template's
        # fragment cache); the page's rows are read only when they are rendered.
        "request_version": selectors.request_version(ticket),
        "conversation": SimpleLazyObject(lambda: selectors.request_page(ticket)),
        "reply_form": reply_form or ReplyForm(settings_obj=settings_obj) if ticket.status != "closed" else None,
        "cc_form": cc_form if can_change_cc and ticket.is_active else None,
        "can_reopen": services.can_reopen(ticket, settings_obj=settings_obj),
        "is_requester": is_requester,
        "survey": survey,
        "survey_form": SurveyForm(settings_obj=settings_obj) if survey and not survey.answered_at else None,
    }
    return render(request, "tickets/request_detail.html", context, status=status)


@login_required
@require_POST
def reply(request, reference):
    ticket = selectors.access_ticket(request.user, reference)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            landed = services.add_customer_reply(
                ticket=ticket,
                author=request.user,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["attachments"],
            )
        except services.SupportError as error:
            form.add_error(None, str(error))
        else:
            if landed.pk != ticket.pk:
                messages.success(
                    request,
                    _("This request was solved a while ago, so we opened a follow-up: %(reference)s.")
                    % {"reference": landed.reference},
                )
            else:
                messages.success(request, _("Your reply was sent."))
            return redirect(landed.get_absolute_url())
    return _render_detail(request, ticket, form, CCForm(), status=400)


@login_required
@require_POST
def solve(request, reference):
    ticket = selectors.access_ticket(request.user, reference)
    services.mark_solved(ticket=ticket, actor=request.user)
    messages.success(request, _("Marked as solved. Thank you!"))
    return redirect(ticket.get_absolute_url())


@login_required
@require_POST
def reopen(request, reference):
    ticket = selectors.access_ticket(request.user, reference)
    try:
        reopened = services.reopen(ticket=ticket, actor=request.user)
    except services.SupportError as error:
        messages.error(request, str(error))
    else:
        if reopened.status != ticket.status:  # a second click changes nothing and says nothing
            messages.success(request, _("Reopened. We will get back to you."))
    return redirect(ticket.get_absolute_url())


@login_required
@require_POST
def update_cc(request, reference):
    ticket = selectors.access_ticket(request.user, reference)
    permissions.check_change_cc_permission(request.user, ticket)
    form = CCForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, ticket, None, form, status=400)
    services.set_cc(ticket=ticket, actor=request.user, addresses=form.cleaned_data["cc"] or [])
    messages.success(request, _("The list of people kept informed was saved."))
    return redirect(ticket.get_absolute_url())


@login_required
@require_GET
def download_attachment(request, reference, pk):
    attachment = selectors.access_attachment(request.user, reference, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None  # the row outlived its file (a restore without the private files)
    response = FileResponse(handle, as_attachment=True, filename=attachment.name)
    response["Content-Type"] = attachment.content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@csrf_exempt  # mail services post raw messages with a shared secret, not a session
@require_POST
def inbound_email(request):
    """A raw RFC 5322 message from a mail service, authenticated by PORTAL_INBOUND_SECRET."""
    secret = settings.PORTAL_INBOUND_SECRET
    if not secret:
        raise Http404
    given = request.headers.get("X-Portal-Inbound-Secret", "")
    if not constant_time_compare(given, secret):
        return JsonResponse({"error": "wrong or missing X-Portal-Inbound-Secret"}, status=403)
    # Read the stream ourselves: mail with attachments is larger than Django's limit for form posts.
    limit = settings.PORTAL_INBOUND_MAX_MB * 2**20
    raw = request.read(limit + 1)
    if not raw:
        return JsonResponse({"error": "empty message"}, status=400)
    if len(raw) > limit:
        return JsonResponse({"error": f"message larger than {settings.PORTAL_INBOUND_MAX_MB} MB"}, status=413)
    result = ingest(raw)
    return JsonResponse(
        {"status": result.status, "reason": result.reason, "request": getattr(result.ticket, "reference", "")}
    )


def _open_survey(ticket):
    from .models import SatisfactionSurvey

    return SatisfactionSurvey.objects.filter(ticket=ticket).first()


@login_required
@require_POST
def rate_request(request, reference):
    """The rating form on the request's page (the requester only)."""
    ticket = selectors.access_ticket(request.user, reference)
    survey = _open_survey(ticket)
    if survey is None or ticket.requester_id != request.user.pk:
        raise Http404
    form = SurveyForm(request.POST, settings_obj=SupportSettings.current())
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(ticket.get_absolute_url())
    try:
        fresh = satisfaction.rate(survey=survey, **form.cleaned_data)
    except satisfaction.SurveyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Thank you for your rating.") if fresh else _("You rated this request already."))
    return redirect(ticket.get_absolute_url())


def rate_link(request, token):
    """The one-click rating from the e-mail: no sign-in, the first click counts."""
    try:
        survey, rating = satisfaction.open_link(token)
    except satisfaction.SurveyError as error:
        return render(request, "tickets/rate.html", {"error": str(error)}, status=400)
    settings_obj = SupportSettings.current()
    form = ReasonForm(request.POST or None, settings_obj=settings_obj)
    if request.method == "POST":
        if form.is_valid():
            try:
                satisfaction.explain(survey=survey, **form.cleaned_data)
            except satisfaction.SurveyError as error:
                form.add_error(None, str(error))
            else:
                return render(request, "tickets/rate.html", {"survey": survey, "explained": True})
        return render(request, "tickets/rate.html", {"survey": survey, "form": form}, status=400)
    fresh = satisfaction.rate(survey=survey, rating=rating)
    return render(request, "tickets/rate.html", {"survey": survey, "fresh": fresh, "form": form})
