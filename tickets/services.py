"""Everything that changes a support request. Each function is one transaction.

Views and the admin desk call these and nothing else to write; every change leaves an event in
the audit trail, keeps the SLA due time current, and tells people after the commit.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.markdown import render_markdown
from portal.membership.entitlements import support_entitlement
from portal.text import single_line
from portal.uploads import CheckedFile

from . import mail, satisfaction
from .choices import IMPACT_PRIORITY, AlertKind, Channel, EventKind, Priority, SLATarget, Status
from .clocks import earliest_due, ticket_clocks
from .models import (
    AgentStatus,
    Attachment,
    CCInvitation,
    EmailDirection,
    Message,
    Queue,
    ReferenceSequence,
    RequestType,
    SLAAlert,
    SLAPolicy,
    SupportSettings,
    Ticket,
    TicketEmail,
    TicketEvent,
)
from .querysets import cc_cache_key
from .signals import request_filed

SEQUENCE_NAME = "support-request"


class SupportError(Exception):
    """A change that cannot be made; the message is for the person who asked for it."""


# --- Deriving things -------------------------------------------------------------------------


def derive_priority(impact: str, *, minimum: str = "") -> str:
    """The priority for the customer's impact, raised to the plan's minimum if it has one."""
    priority = IMPACT_PRIORITY[impact]
    if minimum and Priority(minimum).rank > Priority(priority).rank:
        return Priority(minimum)
    return priority


def entitled_policy(entitlement) -> SLAPolicy | None:
    """The active SLA policy support keeps for the customer's plan, when there is one."""
    if not entitlement.plan_id:
        return None
    return SLAPolicy.objects.filter(plans__pk=entitlement.plan_id, is_active=True).order_by("order", "pk").first()


def choose_policy(
    *, priority: str, request_type_id: int | None, organisation_id: int | None, is_member: bool
) -> SLAPolicy | None:
    """The first active policy, in order, whose conditions match."""
    for policy in SLAPolicy.objects.filter(is_active=True).order_by("order", "pk"):
        if policy.matches(
            priority=priority, request_type_id=request_type_id, organisation_id=organisation_id, is_member=is_member
        ):
            return policy
    return None


def _next_number() -> int:
    """The next reference number. The UPDATE holds the row lock until the filing commits: no gaps, no duplicates."""
    ReferenceSequence.objects.get_or_create(name=SEQUENCE_NAME)
    ReferenceSequence.objects.filter(name=SEQUENCE_NAME).update(last=F("last") + 1)
    return ReferenceSequence.objects.get(name=SEQUENCE_NAME).last


def pick_assignee(queue: Queue):
    """Round robin among the queue's agents who are not away; None when nobody is available."""
    queue = Queue.objects.select_for_update().get(pk=queue.pk)
    away = AgentStatus.objects.filter(is_away=True).values("agent_id")
    agents = list(queue.agents.filter(is_active=True).exclude(pk__in=away).order_by("pk"))
    if not agents:
        return None
    after = [agent for agent in agents if queue.last_assignee_id is not None and agent.pk > queue.last_assignee_id]
    chosen = after[0] if after else agents[0]
    Queue.objects.filter(pk=queue.pk).update(last_assignee=chosen)
    return chosen


def _event(ticket: Ticket, kind: str, *, actor=None, old="", new="", note="", public=False, at=None) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        actor=actor,
        kind=kind,
        old_value=str(old)[:255],
        new_value=str(new)[:255],
        note=note,
        is_public=public,
        created_at=at or timezone.now(),
    )


def refresh_sla(ticket: Ticket, *, now: datetime | None = None) -> None:
    """Recompute the earliest due time of the running clocks and store it on the row."""
    now = now or timezone.now()
    if ticket.sla_policy_id is None:
        due = None
    else:
        policy = SLAPolicy.objects.select_related("calendar").prefetch_related("calendar__hours", "calendar__holidays")
        ticket.sla_policy = policy.get(pk=ticket.sla_policy_id)
        events = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.STATUS).order_by("created_at", "pk")
        clocks = ticket_clocks(ticket, status_events=events, now=now, settings_obj=SupportSettings.current())
        due = earliest_due(clocks) if ticket.is_active else None
    if due != ticket.sla_due_at:
        ticket.sla_due_at = due
        Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=due)


def _lock(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _store_files(
    ticket: Ticket, message: Message | None, files: Sequence[CheckedFile], uploaded_by
) -> list[Attachment]:
    stored = []
    for checked in files:
        attachment = Attachment(
            ticket=ticket,
            message=message,
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            uploaded_by=uploaded_by,
        )
        attachment.file.save(checked.name, checked.upload, save=False)
        attachment.save()
        stored.append(attachment)
        _event(ticket, EventKind.ATTACHMENT, actor=uploaded_by, new=checked.name)
    return stored


def _set_status(ticket: Ticket, status: str, *, actor, at: datetime) -> None:
    if ticket.status == status:
        return
    old = ticket.status
    ticket.status = status
    if status == Status.SOLVED:
        ticket.solved_at = at
    elif status == Status.CLOSED:
        ticket.closed_at = at
        ticket.solved_at = ticket.solved_at or at
    else:
        ticket.solved_at = None
        ticket.closed_at = None
    _event(ticket, EventKind.STATUS, actor=actor, old=old, new=status, public=True, at=at)


def _notify(recipients, *, ticket: Ticket, kind: str, title_for, agents: bool = True) -> None:
    # Customers get the request's own threaded e-mail (tickets.mail); the centre only lists it.
    """Notify each recipient in their own language, after the commit (agents get the desk's address)."""
    from django.urls import reverse

    from portal.notifications.services import notify

    url = reverse("tickets_desk:detail", args=[ticket.pk]) if agents else ticket.get_absolute_url()
    # An agent answers the e-mail through their own signed address (tickets.mail).
    reply_to = (lambda person: mail.agent_reply_address(ticket, person)) if agents else None

    people = {user.pk: user for user in recipients if user is not None}.values()
    by_language: dict[str, list] = {}
    for person in people:
        by_language.setdefault(person.locale or "", []).append(person)

    def send():
        # One notification call per language, not per person: the title is the only thing that differs.
        for language, group in by_language.items():
            with translation.override(language or None):
                notify(recipients=group, kind=kind, title=title_for(), url=url, email=agents, reply_to=reply_to)

    transaction.on_commit(send)


def _forget_cc(user_ids) -> None:
    """The people whose CC'd requests changed: their cached list of them goes, now and after the commit."""
    keys = [cc_cache_key(pk) for pk in set(user_ids)]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def _customer_side(ticket: Ticket) -> list:
    return [ticket.requester, *ticket.cc.all()]


# --- Customers -------------------------------------------------------------------------------


@transaction.atomic
def open_ticket(
    *,
    requester,
    request_type: RequestType,
    subject: str,
    description: str,
    impact: str,
    fields: dict | None = None,
    files: Sequence[CheckedFile] = (),
    channel: str = Channel.PORTAL,
    created_by=None,
    cc: Iterable[str] = (),
    follow_up_of: Ticket | None = None,
    session_key: str = "",
    inbound_message_id: str = "",
    site=None,
    language: str = "",
    now: datetime | None = None,
) -> Ticket:
    """File a request: number it, derive priority and SLA policy, assign it, store files, tell people."""
    now = now or timezone.now()
    subject = single_line(subject)  # copied into e-mail headers and page titles
    if not subject:
        raise SupportError(_("A request needs a subject."))
    if not request_type.is_active:
        raise SupportError(_("This request type is no longer offered."))
    entitlement = support_entitlement(requester)
    priority = derive_priority(impact, minimum=entitlement.minimum_priority)
    policy = entitled_policy(entitlement) or choose_policy(
        priority=priority,
        request_type_id=request_type.pk,
        organisation_id=requester.organisation_id,
        is_member=entitlement.is_member,
    )
    ticket = Ticket.objects.create(
        number=_next_number(),
        requester=requester,
        organisation_id=requester.organisation_id,
        request_type=request_type,
        subject=subject[:200],
        description_source=description,
        description_html=render_markdown(description),
        fields=fields or {},
        impact=impact,
        priority=priority,
        status=Status.NEW,
        channel=channel,
        queue_id=request_type.queue_id,
        sla_policy=policy,
        created_by=created_by,
        created_at=now,
        last_activity_at=now,
        follow_up_of=follow_up_of,
        site=site or (follow_up_of.site if follow_up_of else None),
        language=language or (follow_up_of.language if follow_up_of else ""),
    )
    if cc:
        _apply_cc(ticket, actor=requester, addresses=cc)
    _event(ticket, EventKind.CREATED, actor=created_by or requester, new=ticket.reference, public=True, at=now)
    if policy:
        _event(ticket, EventKind.POLICY, new=policy.name, at=now)
    _store_files(ticket, None, files, requester)
    if request_type.queue.auto_assign:
        assignee = pick_assignee(request_type.queue)
        if assignee:
            ticket.assignee = assignee
            Ticket.objects.filter(pk=ticket.pk).update(assignee=assignee)
            _event(ticket, EventKind.ASSIGNEE, new=assignee.get_full_name() or assignee.email, at=now)
    transaction.on_commit(lambda: request_filed.send(sender=Ticket, ticket=ticket, session_key=session_key))
    refresh_sla(ticket, now=now)
    if channel == Channel.EMAIL and inbound_message_id:
        TicketEmail.objects.create(ticket=ticket, message_id=inbound_message_id, direction=EmailDirection.IN)
    if channel in (Channel.EMAIL, Channel.PORTAL):
        mail.queue_email(ticket=ticket, event="received")
    reference = ticket.reference
    agents = [ticket.assignee] if ticket.assignee else list(request_type.queue.agents.filter(is_active=True))
    _notify(
        agents,
        ticket=ticket,
        kind="support.new_request",
        title_for=lambda: _("New request %(reference)s: %(subject)s") % {"reference": reference, "subject": subject},
    )
    return ticket


@transaction.atomic
def add_customer_reply(
    *,
    ticket: Ticket,
    author,
    body: str,
    files: Sequence[CheckedFile] = (),
    channel: str = Channel.PORTAL,
    inbound_message_id: str = "",
    now: datetime | None = None,
) -> Ticket:
    """A customer writes on their request. Returns the request the reply landed on.

    A solved request reopens within the reopen period; after it, the reply starts a follow-up
    request that links back. Closed requests take no replies.
    """
    now = now or timezone.now()
    ticket = _lock(ticket)
    if not body.strip() and not files:
        raise SupportError(_("Write a message or add a file."))
    if ticket.status == Status.CLOSED:
        raise SupportError(_("This request is closed. Please open a new request."))
    if ticket.status == Status.SOLVED and not can_reopen(ticket, now=now):
        return open_ticket(
            requester=ticket.requester,
            request_type=ticket.request_type,
            subject=_("Follow-up: %(subject)s") % {"subject": ticket.subject},
            description=body,
            impact=ticket.impact,
            fields=ticket.fields,
            files=files,
            follow_up_of=ticket,
            channel=channel,
            inbound_message_id=inbound_message_id,
            now=now,
        )
    message = Message.objects.create(
        ticket=ticket,
        author=author,
        from_customer=True,
        body_source=body,
        body_html=render_markdown(body),
        channel=channel,
        created_at=now,
    )
    if inbound_message_id:
        TicketEmail.objects.create(
            ticket=ticket, entry=message, message_id=inbound_message_id, direction=EmailDirection.IN
        )
    _store_files(ticket, message, files, author)
    _event(ticket, EventKind.REPLY, actor=author, at=now)
    if ticket.status in (Status.WAITING_ON_CUSTOMER, Status.SOLVED, Status.ON_HOLD):
        _set_status(ticket, Status.OPEN, actor=author, at=now)
    if ticket.first_replied_at and ticket.awaiting_reply_since is None:
        ticket.awaiting_reply_since = now
    ticket.last_activity_at = now
    ticket.save(
        update_fields=["status", "solved_at", "closed_at", "awaiting_reply_since", "last_activity_at", "updated_at"]
    )
    Ticket.objects.filter(pk=ticket.pk).update(message_count=F("message_count") + 1)
    refresh_sla(ticket, now=now)
    reference = ticket.reference
    _notify(
        [ticket.assignee] if ticket.assignee else list(ticket.queue.agents.filter(is_active=True)),
        ticket=ticket,
        kind="support.customer_reply",
        title_for=lambda: _("The customer replied on %(reference)s") % {"reference": reference},
    )
    return ticket


def can_reopen(ticket: Ticket, *, now: datetime | None = None, settings_obj: SupportSettings | None = None) -> bool:
    if ticket.status != Status.SOLVED or ticket.solved_at is None:
        return False
    period = timedelta(days=(settings_obj or SupportSettings.current()).reopen_days)
    return (now or timezone.now()) <= ticket.solved_at + period


@transaction.atomic
def mark_solved(*, ticket: Ticket, actor, now: datetime | None = None) -> Ticket:
    now = now or timezone.now()
    ticket = _lock(ticket)
    if ticket.status in (Status.SOLVED, Status.CLOSED):
        return ticket  # a double click changes nothing
    _set_status(ticket, Status.SOLVED, actor=actor, at=now)
    satisfaction.maybe_ask(ticket, now=now)  # the customer solved it: asked on the page, not by mail
    ticket.awaiting_reply_since = None
    ticket.last_activity_at = now
    ticket.save(
        update_fields=["status", "solved_at", "closed_at", "awaiting_reply_since", "last_activity_at", "updated_at"]
    )
    refresh_sla(ticket, now=now)
    return ticket


@transaction.atomic
def reopen(*, ticket: Ticket, actor, now: datetime | None = None) -> Ticket:
    now = now or timezone.now()
    ticket = _lock(ticket)
    if ticket.status != Status.SOLVED:
        return ticket
    if not can_reopen(ticket, now=now):
        raise SupportError(_("This request was solved too long ago to reopen. Reply to start a follow-up request."))
    _set_status(ticket, Status.OPEN, actor=actor, at=now)
    ticket.awaiting_reply_since = now if ticket.first_replied_at else None
    ticket.last_activity_at = now
    ticket.save(
        update_fields=["status", "solved_at", "closed_at", "awaiting_reply_since", "last_activity_at", "updated_at"]
    )
    refresh_sla(ticket, now=now)
    return ticket


@transaction.atomic
def set_cc(*, ticket: Ticket, actor, addresses: Iterable[str]) -> None:
    """Replace the list of people kept informed with these addresses.

    An address of an account whose address is confirmed is CC'd (reads the request, gets its
    e-mails); any other is invited to sign up with it. The requester is told neither which is which.
    """
    ticket = _lock(ticket)
    before = set(ticket.cc.values_list("pk", flat=True))
    invited_before = set(ticket.cc_invitations.values_list("email", flat=True))
    _apply_cc(ticket, actor=actor, addresses=addresses)
    after = set(ticket.cc.values_list("pk", flat=True))
    invited_after = set(ticket.cc_invitations.values_list("email", flat=True))
    if before == after and invited_before == invited_after:
        return
    _forget_cc(before | after)
    _event(ticket, EventKind.CC, actor=actor, new=", ".join(cc_addresses(ticket)))
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())  # its page shows the CC list


def cc_addresses(ticket: Ticket) -> list[str]:
    """Every address kept informed, accounts and invitations alike, as the requester entered them."""
    people = [person.email.lower() for person in ticket.cc.all()]
    return sorted({*people, *ticket.cc_invitations.values_list("email", flat=True)})


def _apply_cc(ticket: Ticket, *, actor, addresses: Iterable[str]) -> None:
    from allauth.account.models import EmailAddress

    wanted = {address.strip().lower() for address in addresses if address and address.strip()}
    wanted.discard(ticket.requester.email.lower())
    confirmed = {
        row.email.lower(): row.user
        for row in EmailAddress.objects.filter(email__in=wanted, verified=True, user__is_active=True).select_related(
            "user"
        )
    }
    ticket.cc.set([person for person in confirmed.values() if person.pk != ticket.requester_id])
    invite = wanted - set(confirmed)
    ticket.cc_invitations.exclude(email__in=invite).delete()
    existing = set(ticket.cc_invitations.values_list("email", flat=True))
    new = [CCInvitation(ticket=ticket, email=address, invited_by=actor) for address in sorted(invite - existing)]
    if new:
        CCInvitation.objects.bulk_create(new, ignore_conflicts=True)
        pks = list(
            CCInvitation.objects.filter(ticket=ticket, email__in=[row.email for row in new]).values_list(
                "pk", flat=True
            )
        )
        transaction.on_commit(lambda: [_send_cc_invitation(pk) for pk in pks])


#: Invitations one person may have sent in a day; past it the rows are kept but no more mail goes out.
CC_INVITATIONS_PER_DAY = 20


def _send_cc_invitation(invitation_pk: int) -> None:
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    invitation = CCInvitation.objects.select_related("ticket__site", "invited_by").filter(pk=invitation_pk).first()
    if invitation is None or invitation.sent_at is not None:
        return
    since = timezone.now() - timedelta(days=1)
    if (
        invitation.invited_by_id
        and CCInvitation.objects.filter(invited_by_id=invitation.invited_by_id, sent_at__gte=since).count()
        >= CC_INVITATIONS_PER_DAY
    ):
        return
    inviter = invitation.invited_by
    context = {
        "reference": invitation.ticket.reference,
        "inviter": inviter.public_name if inviter else "",
        "signup_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/accounts/signup/",
    }
    with translation.override(inviter.locale if inviter else None):
        subject = _("You are invited to follow support request %(reference)s") % context
        body = render_to_string("tickets/email/cc_invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])
    CCInvitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())


@transaction.atomic
def accept_cc_invitations(*, user, email: str) -> int:
    """Someone confirmed an address: the requests it was invited to now keep them informed."""
    invitations = list(CCInvitation.objects.filter(email=email.lower()).select_related("ticket"))
    for invitation in invitations:
        if invitation.ticket.requester_id != user.pk:
            invitation.ticket.cc.add(user)
    CCInvitation.objects.filter(pk__in=[invitation.pk for invitation in invitations]).delete()
    if invitations:
        _forget_cc([user.pk])
    return len(invitations)


# --- Agents ----------------------------------------------------------------------------------


@transaction.atomic
def add_agent_reply(
    *,
    ticket: Ticket,
    agent,
    body: str,
    internal: bool = False,
    status: str | None = None,
    files: Sequence[CheckedFile] = (),
    channel: str = Channel.PORTAL,
    inbound_message_id: str = "",
    now: datetime | None = None,
) -> Message:
    """An agent answers (public) or notes (internal). A public reply stops the reply clocks and,
    unless another status is chosen, waits on the customer."""
    now = now or timezone.now()
    ticket = _lock(ticket)
    if not body.strip():
        raise SupportError(_("Write a message."))
    if ticket.status == Status.CLOSED:
        raise SupportError(_("This request is closed."))
    message = Message.objects.create(
        ticket=ticket,
        author=agent,
        is_internal=internal,
        body_source=body,
        body_html=render_markdown(body),
        channel=channel,
        created_at=now,
    )
    if inbound_message_id:
        TicketEmail.objects.create(
            ticket=ticket, entry=message, message_id=inbound_message_id, direction=EmailDirection.IN
        )
    _store_files(ticket, message, files, agent)
    _event(ticket, EventKind.NOTE if internal else EventKind.REPLY, actor=agent, at=now)
    fields = ["last_activity_at", "updated_at", "status", "solved_at", "closed_at"]
    if not internal:
        if ticket.first_replied_at is None:
            ticket.first_replied_at = now
            fields.append("first_replied_at")
        ticket.awaiting_reply_since = None
        fields.append("awaiting_reply_since")
        _set_status(ticket, status or Status.WAITING_ON_CUSTOMER, actor=agent, at=now)
    elif status:
        _set_status(ticket, status, actor=agent, at=now)
    elif ticket.status == Status.NEW:
        _set_status(ticket, Status.OPEN, actor=agent, at=now)
    if ticket.assignee_id is None:
        ticket.assignee = agent
        fields.append("assignee")
        _event(ticket, EventKind.ASSIGNEE, actor=agent, new=agent.get_full_name() or agent.email, at=now)
    ticket.last_activity_at = now
    ticket.save(update_fields=fields)
    Ticket.objects.filter(pk=ticket.pk).update(message_count=F("message_count") + (0 if internal else 1))
    refresh_sla(ticket, now=now)
    if not internal:
        if ticket.status == Status.SOLVED:
            satisfaction.maybe_ask(ticket, now=now)
        mail.queue_email(ticket=ticket, event="reply", entry=message)
        reference, status_now = ticket.reference, ticket.status
        _notify(
            _customer_side(ticket),
            ticket=ticket,
            kind="support.reply",
            title_for=lambda: (
                (
                    _("We solved your request %(reference)s")
                    if status_now == Status.SOLVED
                    else _("New reply on %(reference)s")
                )
                % {"reference": reference}
            ),
            agents=False,
        )
    return message


@transaction.atomic
def update_ticket(
    *,
    ticket: Ticket,
    actor,
    status: str | None = None,
    priority: str | None = None,
    queue: Queue | None = None,
    assignee=None,
    unassign: bool = False,
    tags: list[str] | None = None,
    language: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Change status, priority, queue, assignee, tags or language; each change goes to the audit trail."""
    now = now or timezone.now()
    ticket = _lock(ticket)
    changed = ["updated_at"]
    if language is not None and language != ticket.language:
        _event(ticket, EventKind.LANGUAGE, actor=actor, old=ticket.language, new=language, at=now)
        ticket.language = language
        changed.append("language")
    if status and status != ticket.status:
        _set_status(ticket, status, actor=actor, at=now)
        changed += ["status", "solved_at", "closed_at"]
        if status in (Status.SOLVED, Status.CLOSED):
            ticket.awaiting_reply_since = None
            changed.append("awaiting_reply_since")
        if status == Status.SOLVED:
            satisfaction.maybe_ask(ticket, now=now)
            mail.queue_email(ticket=ticket, event="solved")
    if priority and priority != ticket.priority:
        _event(ticket, EventKind.PRIORITY, actor=actor, old=ticket.priority, new=priority, at=now)
        ticket.priority = priority
        changed.append("priority")
        entitlement = support_entitlement(ticket.requester)
        policy = entitled_policy(entitlement) or choose_policy(
            priority=priority,
            request_type_id=ticket.request_type_id,
            organisation_id=ticket.organisation_id,
            is_member=entitlement.is_member,
        )
        if policy and policy.pk != ticket.sla_policy_id:
            ticket.sla_policy = policy
            changed.append("sla_policy")
            _event(ticket, EventKind.POLICY, actor=actor, new=policy.name, at=now)
    if queue and queue.pk != ticket.queue_id:
        _event(ticket, EventKind.QUEUE, actor=actor, old=ticket.queue.name, new=queue.name, at=now)
        ticket.queue = queue
        changed.append("queue")
    if unassign and ticket.assignee_id:
        _event(ticket, EventKind.ASSIGNEE, actor=actor, old=_name(ticket.assignee), new="", at=now)
        ticket.assignee = None
        changed.append("assignee")
    elif assignee and assignee.pk != ticket.assignee_id:
        _event(ticket, EventKind.ASSIGNEE, actor=actor, old=_name(ticket.assignee), new=_name(assignee), at=now)
        ticket.assignee = assignee
        changed.append("assignee")
        _notify(
            [assignee] if assignee.pk != getattr(actor, "pk", None) else [],
            ticket=ticket,
            kind="support.assigned",
            title_for=lambda ref=ticket.reference: _("%(reference)s was assigned to you") % {"reference": ref},
        )
    if tags is not None:
        before = sorted(ticket.tags.names())
        after = sorted({tag.strip().lower() for tag in tags if tag.strip()})
        if before != after:
            ticket.tags.set(after)
            _event(ticket, EventKind.TAGS, actor=actor, old=", ".join(before), new=", ".join(after), at=now)
    ticket.save(update_fields=sorted(set(changed)))
    refresh_sla(ticket, now=now)
    return ticket


def _name(user) -> str:
    return (user.get_full_name() or user.email) if user else ""


def bulk_update(*, tickets: Iterable[Ticket], actor, **changes) -> int:
    """Apply the same change to several requests, each in its own transaction (one failure stops only itself)."""
    count = 0
    for ticket in tickets:
        update_ticket(ticket=ticket, actor=actor, **changes)
        count += 1
    return count


@transaction.atomic
def merge_tickets(*, source: Ticket, target: Ticket, actor, now: datetime | None = None) -> Ticket:
    """Fold `source` into `target`: its conversation continues there; `source` closes and points to it."""
    now = now or timezone.now()
    if source.pk == target.pk:
        raise SupportError(_("A request cannot be merged into itself."))
    first, second = sorted([source, target], key=lambda t: t.pk)  # lock in a fixed order: no deadlock
    _lock(first), _lock(second)
    source.refresh_from_db()
    target.refresh_from_db()
    if source.merged_into_id or source.status == Status.CLOSED:
        raise SupportError(_("This request is already closed or merged."))
    if target.status == Status.CLOSED:
        raise SupportError(_("A request cannot be merged into a closed one."))
    Message.objects.create(
        ticket=target,
        author=actor,
        is_internal=True,
        body_source=f"{source.reference}: {source.subject}\n\n{source.description_source}",
        body_html=render_markdown(f"**{source.reference}: {source.subject}**\n\n{source.description_source}"),
        created_at=now,
    )
    moved = Message.objects.filter(ticket=source).update(ticket=target)
    Attachment.objects.filter(ticket=source).update(ticket=target)
    Ticket.objects.filter(pk=target.pk).update(message_count=F("message_count") + source.message_count)
    newcomers = [person for person in [source.requester, *source.cc.all()] if person.pk != target.requester_id]
    if newcomers:
        target.cc.add(*newcomers)  # everyone who followed the source keeps reading the conversation
        _forget_cc(person.pk for person in newcomers)
    _event(target, EventKind.MERGED, actor=actor, old=source.reference, new=target.reference, at=now)
    _event(source, EventKind.MERGED, actor=actor, old=source.reference, new=target.reference, public=True, at=now)
    source.merged_into = target
    _set_status(source, Status.CLOSED, actor=actor, at=now)
    source.save(update_fields=["merged_into", "status", "solved_at", "closed_at", "updated_at"])
    refresh_sla(source, now=now)
    refresh_sla(target, now=now)
    del moved
    return target


@transaction.atomic
def link_tickets(*, ticket: Ticket, other: Ticket, actor) -> None:
    if ticket.pk == other.pk:
        raise SupportError(_("A request cannot be linked to itself."))
    ticket.related.add(other)
    _event(ticket, EventKind.LINKED, actor=actor, new=other.reference)
    _event(other, EventKind.LINKED, actor=actor, new=ticket.reference)


@transaction.atomic
def log_request_for_customer(
    *, agent, requester, request_type: RequestType, subject: str, description: str, impact: str, channel: str
) -> Ticket:
    """An agent records a phone or chat request on the customer's behalf."""
    if channel not in (Channel.PHONE, Channel.CHAT, Channel.SOCIAL, Channel.EMAIL, Channel.COMMUNITY):
        raise SupportError(_("Choose the channel the customer used."))
    return open_ticket(
        requester=requester,
        request_type=request_type,
        subject=subject,
        description=description,
        impact=impact,
        channel=channel,
        created_by=agent,
    )


def set_away(*, agent, away: bool) -> None:
    AgentStatus.objects.update_or_create(agent=agent, defaults={"is_away": away})


# --- SLA reminders and escalations -----------------------------------------------------------


def send_sla_alerts(*, now: datetime | None = None) -> int:
    """Remind assignees before a breach (inside working hours) and escalate to the queue lead at breach.

    Each alert is recorded with a unique key first, so a second run — or two workers at once —
    sends nothing twice. Returns the number of alerts sent.
    """
    now = now or timezone.now()
    support = SupportSettings.current()
    leads = support.reminder_lead_times
    horizon = now + max(leads, default=timedelta(0))
    candidates = (
        Ticket.objects.active()
        .filter(sla_due_at__isnull=False, sla_due_at__lte=horizon)
        .select_related("sla_policy__calendar", "assignee", "queue__lead", "requester")
        .prefetch_related(
            "sla_policy__calendar__hours",
            "sla_policy__calendar__holidays",
            "queue__agents",
            Prefetch(
                "events",
                queryset=TicketEvent.objects.filter(kind=EventKind.STATUS).order_by("created_at", "pk"),
                to_attr="status_events",
            ),
        )
    )
    sent = 0
    for ticket in candidates:
        events = ticket.status_events
        calendar = ticket.sla_policy.calendar.as_calendar()
        for clock in ticket_clocks(ticket, status_events=events, now=now, settings_obj=support):
            due = clock.measurement.due_at
            if clock.stopped_at is not None or due is None:
                continue
            if now >= due:
                lead = ticket.queue.lead or ticket.assignee
                sent += _alert(ticket, clock.target, AlertKind.ESCALATION, 0, due, [lead] if lead else [], now)
                continue
            if not calendar.is_working_time(now):
                continue  # reminders wait for working hours
            for lead_time in sorted(leads):
                if due - lead_time <= now:
                    recipients = (
                        [ticket.assignee]
                        if ticket.assignee
                        else [person for person in ticket.queue.agents.all() if person.is_active]
                    )
                    sent += _alert(
                        ticket,
                        clock.target,
                        AlertKind.REMINDER,
                        int(lead_time.total_seconds() // 60),
                        due,
                        recipients,
                        now,
                    )
                    break  # only the closest lead time that has passed
    return sent


def _alert(ticket: Ticket, target: str, kind: str, lead_minutes: int, due: datetime, recipients, now) -> int:
    try:
        with transaction.atomic():
            SLAAlert.objects.create(
                ticket=ticket,
                target=target,
                kind=kind,
                lead_minutes=lead_minutes,
                due_at=due,
                sent_at=now,
                recipients=", ".join(person.email for person in recipients),
            )
            label = SLATarget(target).label
            _event(
                ticket,
                EventKind.ESCALATION if kind == AlertKind.ESCALATION else EventKind.REMINDER,
                new=str(label),
                note=", ".join(person.email for person in recipients),
                at=now,
            )
            reference = ticket.reference
            if kind == AlertKind.ESCALATION:

                def title():
                    return _("%(reference)s breached its %(target)s target") % {
                        "reference": reference,
                        "target": SLATarget(target).label.lower(),
                    }
            else:

                def title():
                    return _("%(reference)s: %(target)s due in %(minutes)s minutes") % {
                        "reference": reference,
                        "target": SLATarget(target).label.lower(),
                        "minutes": lead_minutes,
                    }

            _notify(recipients, ticket=ticket, kind=f"support.sla_{kind}", title_for=title)
    except IntegrityError:
        return 0  # already sent
    return 1
