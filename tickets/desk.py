"""The agent desk inside the Wagtail admin: inboxes, one request, bulk changes, logging a call.

Every view requires the `tickets.change_ticket` permission (the agent and admin roles).
"""

from functools import wraps
from urllib.parse import urlencode

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.accounts.models import Organisation
from portal.text import ascii_digits

from . import selectors, services
from .choices import Channel, Priority, Status
from .forms import AgentReplyForm, BulkForm, LogRequestForm, ReferenceForm, TicketPropertiesForm
from .models import AgentStatus, CannedResponse, Queue, RequestType, Ticket, parse_reference

PER_PAGE = 50
INBOX_TITLES = {
    "mine": gettext_lazy("My requests"),
    "unassigned": gettext_lazy("Unassigned"),
    "breaching": gettext_lazy("Breaching soon"),
    "overdue": gettext_lazy("Overdue"),
    "open": gettext_lazy("All open"),
    "all": gettext_lazy("All requests"),
}
SORTS = {
    "due": (F("sla_due_at").asc(nulls_last=True), "-created_at"),
    "newest": ("-created_at",),
    "oldest": ("created_at",),
    "activity": ("-last_activity_at",),
}


def agent_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm("tickets.change_ticket"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


class InboxFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=gettext_lazy("Search"), method="search")
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=Status.choices)
    priority = django_filters.ChoiceFilter(label=gettext_lazy("Priority"), choices=Priority.choices)
    queue = django_filters.ModelChoiceFilter(label=gettext_lazy("Queue"), queryset=Queue.objects.all())
    request_type = django_filters.ModelChoiceFilter(label=gettext_lazy("Type"), queryset=RequestType.objects.all())
    organisation = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Organisation"), queryset=Organisation.objects.all()
    )
    channel = django_filters.ChoiceFilter(label=gettext_lazy("Channel"), choices=Channel.choices)
    tag = django_filters.CharFilter(label=gettext_lazy("Tag"), field_name="tags__name", lookup_expr="iexact")

    class Meta:
        model = Ticket
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        number = parse_reference(value)
        if number is not None:
            return queryset.filter(number=number)
        if ascii_digits(value) and len(value) <= 9:
            return queryset.filter(number=int(value))
        return queryset.filter(subject__icontains=value) | queryset.filter(requester__email__icontains=value)


@agent_required
def inbox(request, view: str = "open"):
    if view not in selectors.INBOXES:
        view = "open"
    now = timezone.now()
    tickets = selectors.inbox(view, user=request.user, now=now)
    filters = InboxFilter(request.GET or None, queryset=tickets)
    tickets = filters.qs if filters.is_bound and filters.is_valid() else tickets
    sort = request.GET.get("sort", "due")
    tickets = tickets.order_by(*SORTS.get(sort, SORTS["due"]))
    page_obj = Paginator(tickets, PER_PAGE).get_page(request.GET.get("page"))
    params = {key: value for key, value in request.GET.items() if key != "page" and value}
    return TemplateResponse(
        request,
        "tickets/desk/inbox.html",
        {
            "view": view,
            "title": INBOX_TITLES[view],
            "inboxes": INBOX_TITLES.items(),
            "filters": filters,
            "page_obj": page_obj,
            "sort": sort,
            "sorts": {
                "due": _("Due first"),
                "newest": _("Newest"),
                "oldest": _("Oldest"),
                "activity": _("Last activity"),
            },
            "query_string": urlencode(params),
            "bulk_form": BulkForm(queryset=Ticket.objects.none()),
            "now": now,
            "queues": Queue.objects.all(),
            "away": AgentStatus.objects.filter(agent=request.user, is_away=True).exists(),
        },
    )


@agent_required
@require_POST
def bulk(request):
    form = BulkForm(request.POST, queryset=Ticket.objects.all())
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("tickets_desk:inbox")
    if not form.is_valid():
        messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
        return redirect(back)
    count = services.bulk_update(
        tickets=form.cleaned_data["tickets"],
        actor=request.user,
        assignee=form.cleaned_data["assignee"],
        status=form.cleaned_data["status"] or None,
        priority=form.cleaned_data["priority"] or None,
    )
    messages.success(request, _("%(count)d requests updated.") % {"count": count})
    return redirect(back)


@agent_required
def detail(request, pk: int):
    ticket = selectors.desk_ticket(pk)
    reply_form = AgentReplyForm(queue=ticket.queue)
    if request.method == "POST":
        reply_form = AgentReplyForm(request.POST, request.FILES, queue=ticket.queue)
        if reply_form.is_valid():
            data = reply_form.cleaned_data
            if "insert" in request.POST:
                # Insert the canned response (placeholders filled) and/or article link, then let the agent edit.
                body = data["body"]
                if data["canned"]:
                    body = (body + "\n\n" if body else "") + fill_placeholders(data["canned"], ticket, request.user)
                if data["article"]:
                    body = (body + "\n\n" if body else "") + article_link(data["article"], request)
                reply_form = AgentReplyForm(
                    initial={"body": body, "internal": data["internal"], "status": data["status"]}, queue=ticket.queue
                )
            else:
                body = data["body"]
                if data["article"]:
                    body = (body + "\n\n" if body else "") + article_link(data["article"], request)
                try:
                    services.add_agent_reply(
                        ticket=ticket,
                        agent=request.user,
                        body=body,
                        internal=data["internal"],
                        status=data["status"] or None,
                        files=data["attachments"],
                    )
                except services.SupportError as error:
                    reply_form.add_error(None, str(error))
                else:
                    messages.success(request, _("Note added.") if data["internal"] else _("Reply sent."))
                    return redirect("tickets_desk:detail", pk=ticket.pk)
    return _render_detail(request, ticket, reply_form=reply_form, status=400 if reply_form.errors else 200)


def _render_detail(request, ticket, *, reply_form=None, properties_form=None, status=200):
    context = selectors.desk_page(ticket)
    properties_form = properties_form or TicketPropertiesForm(
        initial={
            "status": ticket.status,
            "priority": ticket.priority,
            "queue": ticket.queue_id,
            "assignee": ticket.assignee_id,
            "tags": ", ".join(tag.name for tag in ticket.tags.all()),
            "language": ticket.language,
        }
    )
    context.update(
        {
            "ticket": ticket,
            "reply_form": reply_form or AgentReplyForm(queue=ticket.queue),
            "properties_form": properties_form,
            "merge_form": ReferenceForm(prefix="merge"),
            "link_form": ReferenceForm(prefix="link"),
            "now": timezone.now(),
        }
    )
    return TemplateResponse(request, "tickets/desk/detail.html", context, status=status)


def fill_placeholders(canned: CannedResponse, ticket: Ticket, agent) -> str:
    values = {
        "customer_name": ticket.requester.get_full_name() or ticket.requester.email,
        "reference": ticket.reference,
        "subject": ticket.subject,
        "agent_name": agent.get_full_name() or agent.email,
    }
    text = canned.body
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def article_link(article, request) -> str:
    return f"[{article.title}]({article.get_full_url(request)})"


@agent_required
@require_POST
def properties(request, pk: int):
    ticket = selectors.desk_ticket(pk)
    form = TicketPropertiesForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, ticket, properties_form=form, status=400)
    data = form.cleaned_data
    services.update_ticket(
        ticket=ticket,
        actor=request.user,
        status=data["status"],
        priority=data["priority"],
        queue=data["queue"],
        assignee=data["assignee"],
        unassign=data["assignee"] is None,
        tags=form.tag_list(),
        language=data["language"],
    )
    messages.success(request, _("Saved."))
    return redirect("tickets_desk:detail", pk=ticket.pk)


def _other(request, prefix: str, ticket: Ticket) -> Ticket | None:
    form = ReferenceForm(request.POST, prefix=prefix)
    number = parse_reference(form.data.get(f"{prefix}-reference", "")) if form.is_valid() else None
    other = Ticket.objects.filter(number=number).first() if number is not None else None
    if other is None:
        messages.error(request, _("There is no request with that reference."))
    return other


@agent_required
@require_POST
def merge(request, pk: int):
    ticket = selectors.desk_ticket(pk)
    target = _other(request, "merge", ticket)
    if target is None:
        return redirect("tickets_desk:detail", pk=ticket.pk)
    try:
        services.merge_tickets(source=ticket, target=target, actor=request.user)
    except services.SupportError as error:
        messages.error(request, str(error))
        return redirect("tickets_desk:detail", pk=ticket.pk)
    messages.success(
        request, _("%(source)s was merged into %(target)s.") % {"source": ticket.reference, "target": target.reference}
    )
    return redirect("tickets_desk:detail", pk=target.pk)


@agent_required
@require_POST
def link(request, pk: int):
    ticket = selectors.desk_ticket(pk)
    other = _other(request, "link", ticket)
    if other is not None:
        try:
            services.link_tickets(ticket=ticket, other=other, actor=request.user)
        except services.SupportError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Linked with %(reference)s.") % {"reference": other.reference})
    return redirect("tickets_desk:detail", pk=ticket.pk)


@agent_required
@require_POST
def away(request):
    services.set_away(agent=request.user, away=request.POST.get("away") == "1")
    messages.success(request, _("Your availability was saved."))
    return redirect("tickets_desk:inbox")


@agent_required
def log_request(request):
    form = LogRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.log_request_for_customer(
                agent=request.user,
                requester=data["customer"],
                request_type=data["request_type"],
                subject=data["subject"],
                description=data["description"],
                impact=data["impact"],
                channel=data["channel"],
            )
        except services.SupportError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(reference)s was logged.") % {"reference": ticket.reference})
            return redirect("tickets_desk:detail", pk=ticket.pk)
    return TemplateResponse(
        request, "tickets/desk/log_request.html", {"form": form}, status=400 if form.errors else 200
    )


@agent_required
def inbound_list(request):
    """Incoming e-mail: quarantined first, with why, and a retry."""
    from .inbound import quarantined
    from .models import InboundEmail

    status = request.GET.get("status", "quarantined")
    emails = quarantined() if status == "quarantined" else InboundEmail.objects.all()
    page = Paginator(emails.select_related("ticket").defer("raw"), 50).get_page(request.GET.get("page"))
    return TemplateResponse(request, "tickets/desk/inbound.html", {"page_obj": page, "status": status})


@agent_required
@require_POST
def inbound_retry(request, pk):
    from .inbound import retry
    from .models import InboundEmail

    inbound = InboundEmail.objects.filter(pk=pk).first()
    if inbound is None:
        raise Http404
    result = retry(inbound)
    messages.info(
        request,
        _("Processed again: %(status)s. %(reason)s") % {"status": result.get_status_display(), "reason": result.reason},
    )
    return redirect("tickets_desk:inbound")
