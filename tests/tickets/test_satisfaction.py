"""CSAT: asked once after solving, rated by one click from the e-mail or on the page, shown to agents."""

from datetime import timedelta

import pytest
from django.core import mail as outbox
from django.test import TestCase
from django.utils import timezone

from tickets import satisfaction, services
from tickets.choices import Status
from tickets.models import Rating, SatisfactionSurvey, SupportSettings

pytestmark = pytest.mark.django_db


def committed():
    return TestCase.captureOnCommitCallbacks(execute=True)


@pytest.fixture
def solved(make_ticket, customer, agent):
    from portal.privacy.consent import SURVEYS, record

    record(person=customer, code=SURVEYS, granted=True, how="account")  # survey links need the consent
    ticket = make_ticket(customer)
    with committed():
        services.add_agent_reply(ticket=ticket, agent=agent, body="Fixed it for you.", status=Status.SOLVED)
    return ticket


def survey_links(ticket):
    sent = [m for m in outbox.outbox if m.to == [ticket.requester.email] and "rate" in m.body]
    body = sent[-1].body
    good = next(line.split(": ", 1)[1] for line in body.splitlines() if line.startswith("Good"))
    bad = next(line.split(": ", 1)[1] for line in body.splitlines() if line.startswith("Bad"))
    return good.split("testserver", 1)[-1], bad.split("testserver", 1)[-1]


def test_a_solved_request_asks_once_and_the_first_click_counts(client, solved):
    good, bad = survey_links(solved)
    sent = [m for m in outbox.outbox if m.to == [solved.requester.email] and "rate" in m.body][-1]
    assert "No more survey questions: http" in sent.body and "/privacy/withdraw/" in sent.body
    response = client.get(good)
    assert response.status_code == 200 and "Thank you for rating" in response.content.decode()
    survey = SatisfactionSurvey.objects.get(ticket=solved)
    assert survey.rating == Rating.GOOD and survey.answered_at
    assert "already" in client.get(bad).content.decode()  # usable once
    assert SatisfactionSurvey.objects.get(pk=survey.pk).rating == Rating.GOOD


def test_a_bad_rating_asks_why(client, solved):
    _good, bad = survey_links(solved)
    page = client.get(bad).content.decode()
    assert "What went wrong?" in page
    reason = SupportSettings.current().bad_reasons[1]
    response = client.post(bad, {"reason": reason, "comment": "Two days for a reply."})
    assert response.status_code == 200
    survey = SatisfactionSurvey.objects.get(ticket=solved)
    assert (survey.rating, survey.reason, survey.comment) == (Rating.BAD, reason, "Two days for a reply.")
    assert client.post(bad, {"reason": reason}).status_code == 400  # once
    assert client.post(bad, {"reason": "Made up"}).status_code == 400


def test_forged_and_expired_links_change_nothing(client, solved, settings):
    good, _bad = survey_links(solved)
    assert client.get(good[:-3] + "xx/").status_code == 400
    support = SupportSettings.load()
    support.survey_valid_days = 0
    support.save()
    assert "expired" in client.get(good).content.decode()
    assert not SatisfactionSurvey.objects.get(ticket=solved).answered_at


def test_a_customer_is_not_asked_again_within_the_period(make_ticket, customer, agent, solved):
    second = make_ticket(customer, subject="Another one")
    services.add_agent_reply(ticket=second, agent=agent, body="Done", status=Status.SOLVED)
    assert not SatisfactionSurvey.objects.filter(ticket=second).exists()
    later = make_ticket(customer, subject="Much later")
    assert satisfaction.maybe_ask(later, now=timezone.now() + timedelta(days=30)) is not None


def test_the_request_page_takes_a_rating_and_agents_see_it(client, solved, customer, agent):
    client.force_login(customer)
    page = client.get(solved.get_absolute_url()).content.decode()
    assert "How would you rate the support you received?" in page
    response = client.post(f"/support/requests/{solved.reference}/rate/", {"rating": "bad"})
    assert response.status_code == 302 and not SatisfactionSurvey.objects.get(ticket=solved).answered_at
    reason = SupportSettings.current().bad_reasons[0]
    client.post(f"/support/requests/{solved.reference}/rate/", {"rating": "bad", "reason": reason})
    assert SatisfactionSurvey.objects.get(ticket=solved).reason == reason
    client.force_login(agent)
    desk = client.get(f"/admin/support/{solved.pk}/").content.decode()
    assert "Rating of this request:" in desk and reason in desk


def test_a_customer_who_does_not_allow_surveys_gets_no_rating_links_by_mail(make_ticket, customer, agent, client):
    ticket = make_ticket(customer)
    with committed():
        services.add_agent_reply(ticket=ticket, agent=agent, body="Fixed it for you.", status=Status.SOLVED)
    to_customer = [m for m in outbox.outbox if m.to == [customer.email]]
    assert to_customer and all("/support/rate/" not in m.body for m in to_customer)
    client.force_login(customer)
    assert "How would you rate" in client.get(ticket.get_absolute_url()).content.decode()  # still on the page
