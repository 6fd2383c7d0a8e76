"""Demo support: queues, request types, two calendars, SLA policies, canned responses, and
requests in every status — some about to breach. Idempotent: runs once per database."""

from datetime import date, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import services
from .choices import FieldKind, Impact, Priority, Status, Weekday
from .models import (
    BusinessCalendar,
    BusinessHours,
    CannedResponse,
    Holiday,
    Queue,
    RequestType,
    RequestTypeField,
    SLAPolicy,
)

SERBIAN_HOLIDAYS = [
    (date(2026, 1, 1), "Nova godina"),
    (date(2026, 1, 2), "Nova godina"),
    (date(2026, 1, 7), "Božić"),
    (date(2026, 2, 16), "Sretenje"),
    (date(2026, 2, 17), "Sretenje"),
    (date(2026, 4, 10), "Veliki petak"),
    (date(2026, 4, 13), "Uskršnji ponedeljak"),
    (date(2026, 5, 1), "Praznik rada"),
    (date(2026, 5, 2), "Praznik rada"),
    (date(2026, 11, 11), "Dan primirja"),
    (date(2027, 1, 1), "Nova godina"),
    (date(2027, 1, 2), "Nova godina"),
    (date(2027, 1, 7), "Božić"),
]


def seed_support(*, agent, admin, customer) -> None:
    if Queue.objects.filter(slug="technical").exists():
        return
    office = BusinessCalendar.objects.create(name="Belgrade office", time_zone="Europe/Belgrade")
    for day in (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY):
        BusinessHours.objects.create(calendar=office, weekday=day, opens=time(8), closes=time(17))
    for day, name in SERBIAN_HOLIDAYS:
        Holiday.objects.create(calendar=office, date=day, name=name)
    always = BusinessCalendar.objects.create(name="Around the clock", time_zone="Europe/Belgrade")
    for day in Weekday:
        BusinessHours.objects.create(calendar=always, weekday=day, opens=time(0), closes=time(0))

    technical = Queue.objects.create(
        name="Technical support", slug="technical", email="support@northwind.example", lead=admin
    )
    billing = Queue.objects.create(name="Billing", slug="billing", email="billing@northwind.example", lead=admin)
    technical.agents.add(agent, admin)
    billing.agents.add(agent)

    problem = RequestType.objects.create(
        name="Technical problem", description="Something does not work as it should.", queue=technical, order=1
    )
    RequestTypeField.objects.create(
        request_type=problem, key="product", label="Product", kind=FieldKind.PRODUCT, required=True
    )
    RequestTypeField.objects.create(
        request_type=problem, key="version", label="Version", help_text="Settings → About shows it."
    )
    question = RequestType.objects.create(
        name="Question about a product",
        description="How to do something, or whether it can be done.",
        queue=technical,
        order=2,
    )
    RequestTypeField.objects.create(request_type=question, key="product", label="Product", kind=FieldKind.PRODUCT)
    billing_type = RequestType.objects.create(
        name="Billing and subscription", description="Invoices, payments, renewals.", queue=billing, order=3
    )
    RequestTypeField.objects.create(
        request_type=billing_type, key="invoice", label="Invoice number", help_text="For example 2026-000123."
    )

    SLAPolicy.objects.create(
        name="Urgent, around the clock", order=1, priority=Priority.URGENT, calendar=always,
        first_reply_minutes=60, next_reply_minutes=120, resolution_minutes=8 * 60,
    )  # fmt: skip
    SLAPolicy.objects.create(
        name="Members", order=2, members_only=True, calendar=office,
        first_reply_minutes=120, next_reply_minutes=240, resolution_minutes=3 * 9 * 60,
    )  # fmt: skip
    SLAPolicy.objects.create(
        name="Standard", order=10, calendar=office,
        first_reply_minutes=8 * 60, next_reply_minutes=9 * 60, resolution_minutes=5 * 9 * 60,
    )  # fmt: skip

    CannedResponse.objects.create(
        title="Restart the router",
        body=(
            "Hello {customer_name},\n\nthank you for writing about {reference}. Please unplug the router for "
            "30 seconds, plug it back in and wait two minutes. Does the problem come back?\n\n{agent_name}"
        ),
        queue=technical,
    )
    CannedResponse.objects.create(
        title="Invoice copy",
        body="Hello {customer_name},\n\na copy of your invoice is attached. Anything else we can do?\n\n{agent_name}",
        queue=billing,
    )
    CannedResponse.objects.create(
        title="Closing: no reply",
        body="Hello {customer_name},\n\nwe have not heard back, so we are marking {reference} as solved. "
        "Reply at any time to reopen it.\n\n{agent_name}",
    )
    _seed_requests(agent=agent, customer=customer, problem=problem, question=question, billing=billing_type)


def _demo_customers(organisation):
    User = get_user_model()
    people = []
    for email, name in [
        ("jelena@acme.example", "Jelena Petrović"),
        ("luka@acme.example", "Luka Novak"),
        ("maja@example.org", "Maja Kovač"),
    ]:
        person, created = User.objects.get_or_create(
            email=email, defaults={"display_name": name, "organisation": organisation if "acme" in email else None}
        )
        if created:
            person.set_unusable_password()
            person.save()
        people.append(person)
    return people


def _seed_requests(*, agent, customer, problem, question, billing) -> None:
    now = timezone.now()
    jelena, luka, maja = _demo_customers(customer.organisation)
    product = {"product": "Router AX3", "version": "2.4.1"}

    def ago(**delta):
        return now - timedelta(**delta)

    # The demo customer: one waiting on them, one being worked on, one solved.
    waiting = services.open_ticket(
        requester=customer, request_type=problem, subject="Wi-Fi drops every evening",
        description="Since the last update the Wi-Fi disconnects around 20:00 every day. Cable works fine.",
        impact=Impact.MINOR, fields=product, now=ago(days=2),
    )  # fmt: skip
    services.add_agent_reply(
        ticket=waiting, agent=agent, now=ago(days=1, hours=20),
        body="Thank you! Could you send a screenshot of **Settings → Wireless → Channel**? Which channel is used?",
    )  # fmt: skip
    working = services.open_ticket(
        requester=customer, request_type=question, subject="Can I set up a guest network with its own password?",
        description="We have visitors in the office and would like to keep them off our main network.",
        impact=Impact.QUESTION, fields={"product": "Router AX3"}, now=ago(hours=5),
    )  # fmt: skip
    services.add_agent_reply(
        ticket=working, agent=agent, body="Checking with the product team.", internal=True, now=ago(hours=4)
    )
    solved = services.open_ticket(
        requester=customer, request_type=billing, subject="Invoice shows the wrong company address",
        description="Our address changed in March; the invoice for April still shows the old one.",
        impact=Impact.QUESTION, fields={"invoice": "2026-000412"}, now=ago(days=6),
    )  # fmt: skip
    services.add_agent_reply(
        ticket=solved, agent=agent, status=Status.SOLVED, now=ago(days=5),
        body="We corrected the address and issued a new invoice. You will find it under your subscriptions.",
    )  # fmt: skip

    # The desk: about to breach, overdue, on hold, closed, unassigned.
    services.open_ticket(
        requester=jelena, request_type=problem, subject="No internet in the whole office",
        description="All lights are on but nothing loads. 20 people cannot work.",
        impact=Impact.BLOCKING, fields=product, now=ago(minutes=45),
    )  # fmt: skip
    services.open_ticket(
        requester=luka, request_type=problem, subject="VPN stops after 10 minutes",
        description="The VPN connection drops after about ten minutes, every time.",
        impact=Impact.BLOCKING, fields=product, now=ago(hours=3),
    )  # fmt: skip
    hold = services.open_ticket(
        requester=maja, request_type=problem, subject="Firmware update fails at 80%",
        description="The update stops at 80% and the router restarts with the old version.",
        impact=Impact.MAJOR, fields=product, now=ago(days=3),
    )  # fmt: skip
    services.add_agent_reply(
        ticket=hold, agent=agent, status=Status.ON_HOLD, now=ago(days=2),
        body="We reproduced it and the fix is in the next firmware. We will write as soon as it is out.",
    )  # fmt: skip
    closed = services.open_ticket(
        requester=luka, request_type=billing, subject="Double charge in October",
        description="We were charged twice for October.", impact=Impact.MINOR, now=ago(days=20),
    )  # fmt: skip
    services.add_agent_reply(
        ticket=closed, agent=agent, status=Status.CLOSED, now=ago(days=19), body="Refunded the second charge."
    )
    services.open_ticket(
        requester=maja, request_type=question, subject="Which routers support Wi-Fi 6E?",
        description="We are planning an upgrade.", impact=Impact.QUESTION, fields={"product": "Router AX3"},
        now=ago(hours=1),
    )  # fmt: skip


def give_plans_their_policy() -> None:
    """The fastest policy serves the members of the demo's top plan (after the plans exist)."""
    from portal.membership.models import Plan

    fast = SLAPolicy.objects.filter(is_active=True).order_by("first_reply_minutes").first()
    if fast is not None:
        fast.plans.add(*Plan.objects.filter(code="business"))
