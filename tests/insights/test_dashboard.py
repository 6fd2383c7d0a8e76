"""Admin → Insights: who may see it, what it shows, the CSV, and the requests behind a number."""

import csv
import io
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.insights.services import rebuild_facts
from tests.factories import UserFactory
from tickets import services
from tickets.choices import Impact
from tickets.models import Queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(policy, request_type, agent, customer):
    """Two requests filed two days ago in the agent's queue, one answered; one in another queue."""
    two_days_ago = timezone.now() - timedelta(days=2)
    values = {"requester": customer, "description": "…", "impact": Impact.MINOR, "fields": {"version": "2"}}
    answered = services.open_ticket(request_type=request_type, subject="Answered", now=two_days_ago, **values)
    services.add_agent_reply(ticket=answered, agent=agent, body="Hi", now=two_days_ago + timedelta(hours=1))
    services.open_ticket(request_type=request_type, subject="Waiting", now=two_days_ago, **values)
    other_queue = Queue.objects.create(name="Billing", slug="billing")
    other_type = request_type.__class__.objects.create(name="Invoice", queue=other_queue)
    services.open_ticket(request_type=other_type, subject="Invoice wrong", now=two_days_ago, **values)
    rebuild_facts()
    return answered


def test_customers_and_people_without_the_role_see_nothing(client, customer, filed):
    client.force_login(customer)
    assert client.get(reverse("insights_overview")).status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    editor = UserFactory(role="editor")
    client.force_login(editor)
    response = client.get(reverse("insights_overview"))
    # Wagtail turns a refusal inside the admin into a redirect to the dashboard, with a message.
    assert (response.status_code, response["Location"]) == (HTTPStatus.FOUND, "/admin/")


def test_an_admin_sees_every_queue_and_can_follow_a_number_to_its_requests(client, filed):
    client.force_login(UserFactory(role="admin"))
    page = client.get(reverse("insights_overview"), {"days": 7})
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    assert "Technical support" in html and "Billing" in html
    filed_row = next(row for row in page.context["sections"][0][1] if row.drill == "created")
    assert filed_row.current == 3
    behind = client.get(reverse("insights_requests", args=["created"]), {"days": 7})
    assert behind.status_code == HTTPStatus.OK
    assert {facts.ticket.subject for facts in behind.context["page"].object_list} == {
        "Answered",
        "Waiting",
        "Invoice wrong",
    }
    assert client.get(reverse("insights_requests", args=["no-such-figure"])).status_code == HTTPStatus.NOT_FOUND


def test_an_agent_sees_only_the_queues_they_work_in(client, agent, filed):
    client.force_login(agent)
    page = client.get(reverse("insights_overview"), {"days": 7})
    assert page.status_code == HTTPStatus.OK
    assert "Billing" not in page.content.decode()
    filed_row = next(row for row in page.context["sections"][0][1] if row.drill == "created")
    assert filed_row.current == 2
    behind = client.get(reverse("insights_requests", args=["created"]), {"days": 7})
    assert "Invoice wrong" not in behind.content.decode()
    # Asking for another queue by its number shows nothing of it.
    billing = Queue.objects.get(slug="billing")
    sliced = client.get(reverse("insights_overview"), {"days": 7, "queue": billing.pk})
    assert "Invoice wrong" not in sliced.content.decode()


def test_the_csv_and_xlsx_have_the_overview_and_the_tables(client, filed):
    client.force_login(UserFactory(role="admin"))
    response = client.get(reverse("insights_overview"), {"days": 7, "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["Volume", "Filed", "3", "0"] in rows
    assert any(row[:4] == ["Technical support", "2", "0", "2"] for row in rows)

    from openpyxl import load_workbook

    response = client.get(reverse("insights_overview"), {"days": 7, "export": "xlsx"})
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["Overview", "By queue", "By agent", "Trend"]
    overview = list(workbook["Overview"].iter_rows(values_only=True))
    assert ("Volume", "Filed", 3, 0) in overview
    queues = list(workbook["By queue"].iter_rows(values_only=True))
    assert queues[0][0] == "Queue"
    assert ("Technical support", 2, 0, 2) in [row[:4] for row in queues]
    assert len(list(workbook["Trend"].iter_rows(values_only=True))) == 1 + 7  # header and a row a day


def test_a_bad_period_is_explained_not_a_crash(client, filed):
    client.force_login(UserFactory(role="admin"))
    page = client.get(reverse("insights_overview"), {"start": "2026-12-10", "end": "2026-11-01"})
    assert page.status_code == HTTPStatus.OK
    assert "The period must start before it ends." in page.content.decode()
    page = client.get(reverse("insights_overview"), {"start": "not a date", "queue": "x"})
    assert page.status_code == HTTPStatus.OK


def test_the_overview_asks_a_fixed_number_of_queries(
    client, filed, django_assert_max_num_queries, policy, request_type, customer
):
    admin = UserFactory(role="admin")
    client.force_login(admin)
    client.get(reverse("insights_overview"))  # warm the session and settings
    # Two periods × (volume, replies, resolution, SLA, CSAT, NPS), two tables and self-service:
    # many queries, but their number does not grow with the requests measured.
    with django_assert_max_num_queries(90) as first:
        client.get(reverse("insights_overview"))
    for n in range(5):
        services.open_ticket(
            requester=customer,
            request_type=request_type,
            subject=f"More {n}",
            description="…",
            impact=Impact.MINOR,
            fields={"version": "2"},
        )
    rebuild_facts()
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("insights_overview"))


@pytest.mark.parametrize(
    "path",
    [
        "/admin/insights/requests/created/?days=7",
        "/admin/insights/satisfaction/?days=7",
        "/admin/insights/service-levels/?days=7",
        "/admin/insights/self-service/?days=7",
    ],
)
def test_every_insights_page_asks_the_same_queries_however_much_it_shows(
    client, filed, path, policy, request_type, customer, agent, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.insights import nps
    from portal.insights.models import NPSTrigger

    client.force_login(UserFactory(role="admin"))
    first = nps.ask(person=UserFactory(role="customer"), trigger=NPSTrigger.MEMBERSHIP)
    nps.answer(survey=first, score=2, comment="Slow.")
    client.get(path)
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == HTTPStatus.OK
    for n in range(6):
        ticket = services.open_ticket(
            requester=customer, request_type=request_type, subject=f"More {n}", description="…",
            impact=Impact.MINOR, fields={"version": "2"},
        )  # fmt: skip
        services.add_agent_reply(ticket=ticket, agent=agent, body="Hi")
        survey = nps.ask(person=UserFactory(role="customer"), trigger=NPSTrigger.MEMBERSHIP)
        nps.answer(survey=survey, score=n, comment=f"Because {n}")
    rebuild_facts()
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(path).status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    ("path", "sheets"),
    [
        ("/admin/insights/service-levels/", ["Targets", "By queue", "By priority", "By agent"]),
        ("/admin/insights/satisfaction/", ["NPS by month", "NPS answers", "Rated bad"]),
        (
            "/admin/insights/self-service/",
            ["Figures", "By product", "Searches without results", "Most viewed articles", "Least helpful articles",
             "Community topics nobody answered"],
        ),
    ],
)  # fmt: skip
def test_every_page_downloads_its_tables(client, filed, path, sheets):
    from openpyxl import load_workbook

    client.force_login(UserFactory(role="admin"))
    xlsx = client.get(path, {"days": 30, "export": "xlsx"})
    assert load_workbook(io.BytesIO(xlsx.content), read_only=True).sheetnames == [name[:31] for name in sheets]
    text = client.get(path, {"days": 30, "export": "csv"}).content.decode()
    assert all(name in text for name in sheets)
