"""Filing, replying, solving, reopening, merging: what the services promise."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils.timezone import now as timezone_now

from tests.factories import UserFactory
from tickets import services
from tickets.choices import EventKind, Impact, Priority, Status
from tickets.models import AgentStatus, Message, SLAPolicy, SupportSettings, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

# Monday 23 November 2026, 09:00 in Belgrade (UTC+1).
MONDAY_9 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_filing_numbers_derives_priority_and_sets_the_promise(customer, make_ticket, policy, agent):
    first = make_ticket(customer, now=MONDAY_9)
    second = make_ticket(customer, impact=Impact.BLOCKING, now=MONDAY_9)
    assert (first.reference, second.reference) == ("SR-000001", "SR-000002")
    assert first.priority == Priority.NORMAL and second.priority == Priority.URGENT
    assert first.sla_policy == policy
    # 240 business minutes from Monday 09:00 → Monday 13:00 Belgrade = 12:00 UTC.
    assert first.sla_due_at == datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    assert first.assignee == agent
    assert list(first.events.values_list("kind", flat=True)) == [
        EventKind.CREATED,
        EventKind.POLICY,
        EventKind.ASSIGNEE,
    ]


def test_the_first_matching_policy_wins(customer, make_ticket, policy, calendar):
    urgent = SLAPolicy.objects.create(
        name="Urgent", order=0, priority=Priority.URGENT, calendar=calendar,
        first_reply_minutes=30, next_reply_minutes=60, resolution_minutes=480,
    )  # fmt: skip
    policy.order = 10
    policy.save()
    assert make_ticket(customer, impact=Impact.BLOCKING).sla_policy == urgent
    assert make_ticket(customer, impact=Impact.QUESTION).sla_policy == policy


def test_round_robin_skips_agents_who_are_away(customer, make_ticket, queue, agent, second_agent):
    third = UserFactory(role="agent")
    queue.agents.add(second_agent, third)
    AgentStatus.objects.create(agent=second_agent, is_away=True)
    assignees = [make_ticket(customer).assignee for _ in range(4)]
    assert assignees == [agent, third, agent, third]


def test_agent_reply_stops_the_first_reply_clock_and_waits_on_the_customer(customer, make_ticket, agent):
    ticket = make_ticket(customer, now=MONDAY_9)
    services.add_agent_reply(ticket=ticket, agent=agent, body="Please try a reset.", now=MONDAY_9 + timedelta(hours=1))
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING_ON_CUSTOMER
    assert ticket.first_replied_at == MONDAY_9 + timedelta(hours=1)
    assert ticket.sla_due_at is None  # paused while we wait on the customer
    # The customer's reply starts the next-reply clock: 480 business minutes from Monday 10:30.
    services.add_customer_reply(
        ticket=ticket, author=customer, body="Did not help.", now=MONDAY_9 + timedelta(hours=1.5)
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.awaiting_reply_since == MONDAY_9 + timedelta(hours=1.5)
    # Monday 10:30–17:00 is 6.5 hours; the other 1.5 run Tuesday from 08:00 → 09:30 Belgrade.
    assert ticket.sla_due_at == datetime(2026, 11, 24, 8, 30, tzinfo=UTC)
    assert ticket.message_count == 2


def test_internal_notes_do_not_count_as_replies(customer, make_ticket, agent):
    ticket = make_ticket(customer)
    services.add_agent_reply(ticket=ticket, agent=agent, body="Checking logs", internal=True)
    ticket.refresh_from_db()
    assert ticket.first_replied_at is None
    assert ticket.status == Status.OPEN
    assert ticket.message_count == 0


def test_solve_and_reopen_within_the_period(customer, make_ticket, agent):
    ticket = make_ticket(customer)
    services.mark_solved(ticket=ticket, actor=customer)
    services.mark_solved(ticket=ticket, actor=customer)  # a double click
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.STATUS, new_value=Status.SOLVED).count() == 1
    services.reopen(ticket=ticket, actor=customer)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.solved_at is None


def test_a_reply_after_the_reopen_period_starts_a_linked_follow_up(customer, make_ticket):
    ticket = make_ticket(customer, now=MONDAY_9)
    services.mark_solved(ticket=ticket, actor=customer, now=MONDAY_9)
    later = MONDAY_9 + timedelta(days=SupportSettings.load().reopen_days + 1)
    with pytest.raises(services.SupportError):
        services.reopen(ticket=ticket, actor=customer, now=later)
    follow_up = services.add_customer_reply(ticket=ticket, author=customer, body="It is back.", now=later)
    assert follow_up.pk != ticket.pk
    assert follow_up.follow_up_of == ticket
    assert follow_up.subject.startswith("Follow-up:")
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED


def test_closed_requests_take_no_replies(customer, make_ticket, agent):
    ticket = make_ticket(customer)
    services.update_ticket(ticket=ticket, actor=agent, status=Status.CLOSED)
    with pytest.raises(services.SupportError):
        services.add_customer_reply(ticket=ticket, author=customer, body="Hello?")
    assert not Message.objects.filter(ticket=ticket).exists()


def test_updates_are_audited(customer, make_ticket, agent, second_agent):
    ticket = make_ticket(customer)
    services.update_ticket(
        ticket=ticket, actor=agent, priority=Priority.HIGH, assignee=second_agent, tags=["Wifi", "reset"]
    )
    kinds = list(TicketEvent.objects.filter(ticket=ticket, actor=agent).values_list("kind", "old_value", "new_value"))
    assert (EventKind.PRIORITY, Priority.NORMAL, Priority.HIGH) in kinds
    assert (EventKind.ASSIGNEE, "Ana Agent", "Boris Agent") in kinds
    assert (EventKind.TAGS, "", "reset, wifi") in kinds


def test_merge_moves_the_conversation_and_closes_the_source(customer, make_ticket, agent):
    target = make_ticket(customer)
    follower = UserFactory()
    source = make_ticket(UserFactory(), subject="Same problem", cc=[follower.email])
    services.add_customer_reply(ticket=source, author=source.requester, body="Any news?")
    services.merge_tickets(source=source, target=target, actor=agent)
    source.refresh_from_db()
    assert source.status == Status.CLOSED and source.merged_into == target
    assert Message.objects.filter(ticket=target, body_source="Any news?").exists()
    assert set(target.cc.all()) == {source.requester, follower}
    with pytest.raises(services.SupportError):
        services.merge_tickets(source=target, target=target, actor=agent)


def test_customer_is_told_about_a_reply_in_their_language(
    customer, make_ticket, agent, django_capture_on_commit_callbacks
):
    customer.locale = "sl"
    customer.save()
    ticket = make_ticket(customer)
    with django_capture_on_commit_callbacks(execute=True):
        services.add_agent_reply(ticket=ticket, agent=agent, body="Try this.")
    assert customer.notifications.filter(kind="support.reply").exists()
    assert any(customer.email in message.to for message in mail.outbox)


def test_sla_alerts_are_sent_once_and_only_in_working_hours(customer, make_ticket, agent, queue):
    lead = UserFactory(role="agent")
    queue.lead = lead
    queue.save()
    ticket = make_ticket(customer, now=MONDAY_9)  # first reply due 12:00 UTC
    assert services.send_sla_alerts(now=MONDAY_9 + timedelta(hours=3, minutes=10)) == 1  # 50 minutes before
    assert services.send_sla_alerts(now=MONDAY_9 + timedelta(hours=3, minutes=11)) == 0  # running it again
    assert services.send_sla_alerts(now=MONDAY_9 + timedelta(hours=3, minutes=50)) == 1  # the 15-minute reminder
    assert services.send_sla_alerts(now=MONDAY_9 + timedelta(hours=4, minutes=1)) == 1  # breach: escalate
    assert services.send_sla_alerts(now=MONDAY_9 + timedelta(hours=5)) == 0
    alerts = list(ticket.sla_alerts.order_by("sent_at").values_list("kind", "lead_minutes", "recipients"))
    assert alerts == [("reminder", 60, agent.email), ("reminder", 15, agent.email), ("escalation", 0, lead.email)]
    assert TicketEvent.objects.filter(ticket=ticket, kind__in=[EventKind.REMINDER, EventKind.ESCALATION]).count() == 3


def test_reminders_wait_for_working_hours(customer, make_ticket):
    friday_evening = datetime(2026, 11, 27, 15, 50, tzinfo=UTC)  # 16:50 Belgrade: due Monday 11:50
    make_ticket(customer, now=friday_evening)
    saturday = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    assert services.send_sla_alerts(now=saturday) == 0
    assert Ticket.objects.get().sla_due_at == datetime(2026, 11, 30, 10, 50, tzinfo=UTC)


def test_the_alerts_command_runs_the_task(customer, make_ticket, agent):
    from django.core.management import call_command

    ticket = make_ticket(customer, now=timezone_now() - timedelta(days=30))  # long overdue
    call_command("send_sla_alerts", stdout=io.StringIO())
    call_command("send_sla_alerts", stdout=io.StringIO())  # running it again sends nothing more
    assert list(ticket.sla_alerts.values_list("kind", flat=True)) == ["escalation"] * 2  # first reply and resolution
