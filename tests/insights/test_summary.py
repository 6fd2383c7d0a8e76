"""The weekly summary e-mail to queue leads: last week's figures, sent once."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.insights.services import rebuild_facts
from portal.insights.summary import last_week, send_summaries
from tests.factories import UserFactory
from tickets import services
from tickets.choices import Impact

pytestmark = pytest.mark.django_db


def test_last_week_is_monday_to_sunday_before_this_one():
    period = last_week(date(2026, 12, 9))  # a Wednesday
    assert (period.first_day, period.last_day) == (date(2026, 11, 30), date(2026, 12, 6))
    assert last_week(date(2026, 12, 7)).first_day == date(2026, 11, 30)  # on Monday, the week just ended


def test_each_lead_gets_their_queue_once(policy, request_type, queue, agent, customer, smtp):
    lead = UserFactory(role="agent", email="lead@example.com", display_name="Lea Lead")
    queue.lead = lead
    queue.save()
    filed = datetime(2026, 12, 1, 10, tzinfo=ZoneInfo("Europe/Belgrade"))  # Tuesday of last week
    ticket = services.open_ticket(
        requester=customer, request_type=request_type, subject="Wi-Fi", description="…",
        impact=Impact.MINOR, fields={"version": "2"}, now=filed,
    )  # fmt: skip
    services.add_agent_reply(ticket=ticket, agent=agent, body="Hi", now=filed + timedelta(hours=2))
    rebuild_facts()
    assert send_summaries(today=date(2026, 12, 9)) == 1
    assert send_summaries(today=date(2026, 12, 9)) == 0
    (message,) = smtp.messages
    assert message["To"] == "lead@example.com"
    assert "Technical support" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert "Filed: 1 (0)" in text
    assert "First reply, median (business hours): 2 h" in text
    assert f"queue={queue.pk}" in text
    # The next week is a new summary.
    assert send_summaries(today=date(2026, 12, 16)) == 1
