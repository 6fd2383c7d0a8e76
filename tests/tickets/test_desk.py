"""The agent desk in the admin: inboxes, one request, bulk changes, merge, link, logging a call."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tickets import services
from tickets.choices import Channel, EventKind, Impact, Priority, Status
from tickets.models import CannedResponse, Message, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.mark.parametrize("role", ["customer", "moderator", "editor"])
def test_only_agents_and_admins_reach_the_desk(site, client, role, make_ticket):
    ticket = make_ticket(UserFactory())
    client.force_login(UserFactory(role=role))
    for url in (
        reverse("tickets_desk:inbox"),
        reverse("tickets_desk:detail", args=[ticket.pk]),
        reverse("tickets_desk:log"),
    ):
        response = client.get(url)
        assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN), url
    response = client.post(reverse("tickets_desk:properties", args=[ticket.pk]), {"status": "closed"})
    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_admins_reach_the_desk(site, client, make_ticket):
    ticket = make_ticket(UserFactory())
    client.force_login(UserFactory(role="admin"))
    assert client.get(reverse("tickets_desk:detail", args=[ticket.pk])).status_code == HTTPStatus.OK


def test_inboxes(site, agent_client, agent, second_agent, make_ticket, queue):
    mine = make_ticket(UserFactory(), subject="Mine")  # auto-assigned to the only agent in the queue
    queue.auto_assign = False
    queue.save()
    unassigned = make_ticket(UserFactory(), subject="Nobody's")
    overdue = make_ticket(UserFactory(), subject="Late", now=timezone.now() - timedelta(days=30))
    solved = make_ticket(UserFactory(), subject="Done")
    services.mark_solved(ticket=solved, actor=agent)

    def listed(view, query=""):
        response = agent_client.get(reverse("tickets_desk:inbox_view", args=[view]) + query)
        assert response.status_code == HTTPStatus.OK
        return {t.subject for t in response.context["page_obj"]}

    assert listed("mine") == {"Mine"}
    assert listed("unassigned") == {"Nobody's", "Late"}
    assert listed("overdue") == {"Late"}
    assert listed("open") == {"Mine", "Nobody's", "Late"}
    assert listed("all") == {"Mine", "Nobody's", "Late", "Done"}
    assert listed("all", f"?q={unassigned.reference}") == {"Nobody's"}
    assert listed("all", "?status=solved") == {"Done"}
    assert listed("all", f"?queue={queue.pk}&priority=normal&channel=portal") == {"Mine", "Nobody's", "Late", "Done"}
    assert listed("all", "?priority=urgent") == set()
    order = [t.subject for t in agent_client.get(reverse("tickets_desk:inbox_view", args=["open"])).context["page_obj"]]
    assert order[0] == "Late"  # sorted by due time
    del mine, overdue


def test_breaching_soon(site, agent_client, make_ticket):
    # First reply in 240 business minutes; filed long enough ago that it is due within two hours (or now).
    ticket = make_ticket(UserFactory())
    Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=timezone.now() + timedelta(minutes=30))
    response = agent_client.get(reverse("tickets_desk:inbox_view", args=["breaching"]))
    assert [t.pk for t in response.context["page_obj"]] == [ticket.pk]


def test_inbox_query_count_is_constant(site, agent_client, make_ticket, django_assert_num_queries):
    make_ticket(UserFactory())
    agent_client.get(reverse("tickets_desk:inbox"))
    # 17 with the admin's own menu, filter choices and user lookups (the agent's permissions come
    # from the cache); none per request listed.
    with django_assert_num_queries(17):
        agent_client.get(reverse("tickets_desk:inbox"))
    for _ in range(15):
        make_ticket(UserFactory())
    with django_assert_num_queries(17):
        response = agent_client.get(reverse("tickets_desk:inbox"))
    assert len(response.context["page_obj"]) == 16


def test_reply_with_canned_response_and_article_link(site, agent_client, agent, make_ticket):
    customer = UserFactory(display_name="Mila Customer")
    ticket = make_ticket(customer)
    canned = CannedResponse.objects.create(title="Reset", body="Hello {customer_name}, about {reference}: try a reset.")
    url = reverse("tickets_desk:detail", args=[ticket.pk])
    response = agent_client.post(url, {"body": "", "canned": canned.pk, "insert": "1"})
    assert response.status_code == HTTPStatus.OK
    inserted = response.context["reply_form"].initial["body"]
    assert inserted == f"Hello Mila Customer, about {ticket.reference}: try a reset."
    assert not Message.objects.exists()  # inserting does not send
    response = agent_client.post(url, {"body": inserted})
    assert response.status_code == HTTPStatus.FOUND
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING_ON_CUSTOMER and ticket.first_replied_at
    page = agent_client.get(url).content.decode()
    assert "Counted as the first reply" in page
    assert "How the clock ran" in page


def test_internal_note_and_empty_reply(site, agent_client, make_ticket):
    ticket = make_ticket(UserFactory())
    url = reverse("tickets_desk:detail", args=[ticket.pk])
    assert agent_client.post(url, {"body": " "}).status_code == HTTPStatus.BAD_REQUEST
    agent_client.post(url, {"body": "Looks like firmware.", "internal": "on"})
    assert Message.objects.get().is_internal


def test_properties_change_is_audited(site, agent_client, agent, second_agent, make_ticket, queue):
    ticket = make_ticket(UserFactory())
    response = agent_client.post(
        reverse("tickets_desk:properties", args=[ticket.pk]),
        {
            "status": Status.ON_HOLD,
            "priority": Priority.URGENT,
            "queue": queue.pk,
            "assignee": second_agent.pk,
            "tags": "vip, wifi",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.assignee) == (Status.ON_HOLD, Priority.URGENT, second_agent)
    assert sorted(ticket.tags.names()) == ["vip", "wifi"]
    kinds = set(TicketEvent.objects.filter(ticket=ticket, actor=agent).values_list("kind", flat=True))
    assert {EventKind.STATUS, EventKind.PRIORITY, EventKind.ASSIGNEE, EventKind.TAGS} <= kinds
    bad = agent_client.post(reverse("tickets_desk:properties", args=[ticket.pk]), {"status": "exploded"})
    assert bad.status_code == HTTPStatus.BAD_REQUEST


def test_bulk_assign_and_status(site, agent_client, second_agent, make_ticket):
    first, second = make_ticket(UserFactory()), make_ticket(UserFactory())
    response = agent_client.post(
        reverse("tickets_desk:bulk"),
        {"tickets": [first.pk, second.pk], "assignee": second_agent.pk, "status": Status.OPEN},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert set(Ticket.objects.values_list("assignee", "status")) == {(second_agent.pk, Status.OPEN)}
    # Nothing chosen to change: a message, no change.
    agent_client.post(reverse("tickets_desk:bulk"), {"tickets": [first.pk]})
    assert set(Ticket.objects.values_list("status", flat=True)) == {Status.OPEN}
    # Back to the inbox the agent came from, never to another site.
    back = agent_client.post(
        reverse("tickets_desk:bulk"), {"tickets": [first.pk], "status": Status.ON_HOLD, "next": "//evil.example/"}
    )
    assert back["Location"] == reverse("tickets_desk:inbox")


def test_merge_and_link_by_reference(site, agent_client, make_ticket):
    first, second, third = (make_ticket(UserFactory()) for _ in range(3))
    agent_client.post(reverse("tickets_desk:link", args=[first.pk]), {"link-reference": third.reference})
    assert list(first.related.all()) == [third] and list(third.related.all()) == [first]
    response = agent_client.post(
        reverse("tickets_desk:merge", args=[second.pk]), {"merge-reference": first.reference.lower()}
    )
    assert response["Location"] == reverse("tickets_desk:detail", args=[first.pk])
    second.refresh_from_db()
    assert second.merged_into == first and second.status == Status.CLOSED
    response = agent_client.post(reverse("tickets_desk:merge", args=[third.pk]), {"merge-reference": "SR-999999"})
    third.refresh_from_db()
    assert third.merged_into is None


def test_log_a_phone_request(site, agent_client, agent, request_type):
    customer = UserFactory()
    response = agent_client.post(
        reverse("tickets_desk:log"),
        {
            "customer": customer.email.upper(),
            "request_type": request_type.pk,
            "channel": Channel.PHONE,
            "subject": "Called about billing",
            "description": "Wants a copy of the invoice.",
            "impact": Impact.QUESTION,
        },
    )
    ticket = Ticket.objects.get()
    assert response["Location"] == reverse("tickets_desk:detail", args=[ticket.pk])
    assert (ticket.requester, ticket.channel, ticket.created_by) == (customer, Channel.PHONE, agent)
    bad = agent_client.post(reverse("tickets_desk:log"), {"customer": "nobody@example.org", "channel": "phone"})
    assert bad.status_code == HTTPStatus.BAD_REQUEST
    assert "No customer account uses this address." in bad.content.decode()


def test_away_agents_are_skipped(site, agent_client, agent, second_agent, queue, make_ticket):
    queue.agents.add(second_agent)
    agent_client.post(reverse("tickets_desk:away"), {"away": "1"})
    assert {make_ticket(UserFactory()).assignee for _ in range(3)} == {second_agent}
    agent_client.post(reverse("tickets_desk:away"), {"away": "0"})
    assert {make_ticket(UserFactory()).assignee for _ in range(2)} == {agent, second_agent}


def test_customer_panel_shows_other_requests_and_membership(site, agent_client, make_ticket):
    customer = UserFactory()
    first, second = make_ticket(customer, subject="Earlier"), make_ticket(customer, subject="Now")
    page = agent_client.get(reverse("tickets_desk:detail", args=[second.pk])).content.decode()
    assert first.reference in page
    assert "No active subscription" in page
    assert "Version: 2.1" in page  # the type's own fields, by their labels


def test_request_page_query_count_is_constant(site, agent_client, agent, make_ticket, django_assert_num_queries):
    from portal.uploads import check_upload

    from .conftest import png

    customer = UserFactory()
    ticket = make_ticket(customer, cc=[UserFactory().email])
    services.add_agent_reply(ticket=ticket, agent=agent, body="First", files=[check_upload(png(), max_bytes=10**6)])
    url = reverse("tickets_desk:detail", args=[ticket.pk])
    agent_client.get(url)
    # The admin's menu and forms, community, ratings and RFM group (the agent's permissions come from the cache).
    with django_assert_num_queries(31) as few:
        agent_client.get(url)
    for number in range(15):
        services.add_customer_reply(ticket=ticket, author=customer, body=f"Answer {number}")
        services.add_agent_reply(
            ticket=ticket,
            agent=agent,
            body=f"Note {number}",
            internal=True,
            files=[check_upload(png(), max_bytes=10**6)],
        )
        make_ticket(customer, subject=f"Other {number}")
    with django_assert_num_queries(len(few.captured_queries)):
        response = agent_client.get(url)
    assert response.content.decode().count('<p class="desk-message__meta">') == 1 + 1 + 30


def calendar_form(rows):
    data = {
        "name": "Office",
        "time_zone": "Europe/Belgrade",
        "hours-TOTAL_FORMS": str(len(rows)),
        "hours-INITIAL_FORMS": "0",
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "1000",
        "holidays-TOTAL_FORMS": "0",
        "holidays-INITIAL_FORMS": "0",
        "holidays-MIN_NUM_FORMS": "0",
        "holidays-MAX_NUM_FORMS": "1000",
    }
    for number, (weekday, opens, closes) in enumerate(rows):
        data.update(
            {
                f"hours-{number}-weekday": str(weekday),
                f"hours-{number}-opens": opens,
                f"hours-{number}-closes": closes,
                f"hours-{number}-ORDER": str(number + 1),
                f"hours-{number}-DELETE": "",
                f"hours-{number}-id": "",
            }
        )
    return data


def test_the_calendar_screen_refuses_overlapping_hours_on_a_day(client, site):
    from tickets.models import BusinessCalendar

    client.force_login(UserFactory(role="admin", is_superuser=True))
    url = "/admin/snippets/tickets/businesscalendar/add/"
    response = client.post(url, calendar_form([(0, "09:00", "17:00"), (0, "09:00", "12:00")]))
    assert response.status_code == 200
    assert "overlap" in response.content.decode()
    assert not BusinessCalendar.objects.exists()
    response = client.post(url, calendar_form([(0, "09:00", "12:00"), (0, "13:00", "17:00"), (1, "09:00", "12:00")]))
    assert response.status_code == 302
    assert BusinessCalendar.objects.get().hours.count() == 3
