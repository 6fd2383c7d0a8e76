"""A support lead in Chromium: Insights, a number followed to the requests behind it, a download,
and a detractor's comment turned into a follow-up."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_reads_insights_and_follows_a_number(page, live_site, screenshot):
    from datetime import time

    from portal.insights import nps
    from portal.insights.models import NPSTrigger
    from portal.insights.services import rebuild_facts
    from tests.factories import UserFactory
    from tickets import services
    from tickets.choices import Impact
    from tickets.models import BusinessCalendar, BusinessHours, Queue, RequestType, SLAPolicy

    calendar = BusinessCalendar.objects.create(name="Office", time_zone="Europe/Belgrade")
    for day in range(5):
        BusinessHours.objects.create(calendar=calendar, weekday=day, opens=time(8), closes=time(17))
    SLAPolicy.objects.create(
        name="Standard", calendar=calendar, first_reply_minutes=240, next_reply_minutes=480, resolution_minutes=2400
    )
    lead = UserFactory(role="agent", email="lead@example.com", display_name="Lea Lead")
    queue = Queue.objects.create(name="Technical support", slug="technical", lead=lead)
    queue.agents.add(lead)
    request_type = RequestType.objects.create(name="Problem", queue=queue)
    customer = UserFactory(role="customer", display_name="Mila")
    three_days_ago = timezone.now() - timedelta(days=3)
    ticket = services.open_ticket(
        requester=customer, request_type=request_type, subject="Router blinks red", description="…",
        impact=Impact.MINOR, now=three_days_ago,
    )  # fmt: skip
    services.add_agent_reply(ticket=ticket, agent=lead, body="Restart it.", now=three_days_ago + timedelta(hours=1))
    rebuild_facts()
    survey = nps.ask(person=customer, trigger=NPSTrigger.SOLVED_REQUEST)
    nps.answer(survey=survey, score=3, comment="Nobody called me back.")

    base = live_site.url
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill("lead@example.com")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.goto(base + "/admin/insights/?days=7")
    filed = page.get_by_role("row", name=re.compile(r"^Filed"))
    assert filed.get_by_role("cell").first.inner_text() == "1"
    screenshot(page, "insights-1280")
    from .test_customers_journey import violations

    assert not violations(page, ".insights"), violations(page, ".insights")
    filed.get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/admin/insights/requests/created/"))
    assert page.get_by_role("link", name=ticket.reference).is_visible()

    with page.expect_download() as download:
        page.goto(base + "/admin/insights/")
        page.get_by_role("link", name="Download XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    page.goto(base + "/admin/insights/satisfaction/?days=7")
    assert "Nobody called me back." in page.content()
    page.get_by_role("button", name="Open a follow-up").click()
    page.get_by_text(re.compile(r"Follow-up SR-\d+ opened")).wait_for()
    survey.refresh_from_db()
    assert survey.follow_up.requester == customer and survey.follow_up.assignee == lead
