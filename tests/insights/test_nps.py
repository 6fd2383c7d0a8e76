"""NPS: who is asked, the e-mail's one-click scores, the customer area, stopping, the score itself."""

import re
from datetime import date, datetime, timedelta
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.insights import metrics, nps
from portal.insights.metrics import Period
from portal.insights.models import InsightsSettings, NPSSurvey, NPSTrigger
from portal.privacy.consent import SURVEYS, allows, record
from tests.factories import UserFactory
from tickets import services
from tickets.choices import Impact
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def solved_recently(policy, request_type, agent):
    """A customer whose request was solved yesterday."""
    person = UserFactory(role="customer", email="ana@example.com", display_name="Ana")
    record(person=person, code=SURVEYS, granted=True, how="signup")
    ticket = services.open_ticket(
        requester=person, request_type=request_type, subject="Wi-Fi", description="…",
        impact=Impact.MINOR, fields={"version": "2", "product": "Router AX3"},
        now=timezone.now() - timedelta(days=2),
    )  # fmt: skip
    services.mark_solved(ticket=ticket, actor=agent, now=timezone.now() - timedelta(days=1))
    return person


def links(message) -> list[str]:
    text = message.get_body(("plain",)).get_content()
    return re.findall(r"https?://\S+", text)


def test_who_is_asked_and_why(solved_recently, agent):
    idle = UserFactory(role="customer")  # allows surveys, but no activity: not asked
    record(person=idle, code=SURVEYS, granted=True, how="signup")
    silent = UserFactory(role="customer")  # active, but never allowed surveys: not asked
    ticket = Ticket.objects.get()
    ticket.pk, ticket.number, ticket.requester = None, ticket.number + 1, silent
    ticket.save()
    candidates = nps.candidates()
    assert [(c.person_id, c.trigger) for c in candidates] == [(solved_recently.pk, NPSTrigger.SOLVED_REQUEST)]
    record(person=solved_recently, code=SURVEYS, granted=False, how="account")  # withdrawn: not asked either
    assert nps.candidates() == []


def test_the_email_scores_in_one_click_and_the_first_answer_counts(client, solved_recently, smtp):
    assert nps.send_surveys() == 1
    assert nps.send_surveys() == 0  # run twice: asked once
    (message,) = smtp.messages
    assert message["To"] == "ana@example.com"
    assert "How likely are you to recommend us" in message["Subject"]
    urls = links(message)
    score_links = [
        url
        for url in urls
        if "/feedback/nps/" in url and "/stop/" not in url and url.rstrip("/").split("/")[-1] != "nps"
    ]
    assert len(score_links) == 11
    path = score_links[9].split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == HTTPStatus.OK
    assert "You answered 9 out of 10" in page.content.decode()
    survey = NPSSurvey.objects.get()
    assert (survey.score, survey.group, survey.product, survey.trigger) == (
        9,
        "promoter",
        "",
        NPSTrigger.SOLVED_REQUEST,
    )
    # A second click (another score) changes nothing; the "why" is kept once.
    client.get("/" + score_links[2].split("://", 1)[1].split("/", 1)[1])
    client.post("/" + path, {"comment": "Quick and kind."})
    client.post("/" + path, {"comment": "Changed my mind."})
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (9, "Quick and kind.")


def test_a_forged_or_expired_link_is_explained(client, solved_recently):
    assert client.get("/feedback/nps/not-a-token/").status_code == HTTPStatus.BAD_REQUEST
    survey = nps.ask(person=solved_recently, trigger=NPSTrigger.SOLVED_REQUEST)
    token = nps.link(survey, 5).rstrip("/").split("/")[-1]
    settings_obj = InsightsSettings.load()
    settings_obj.nps_valid_days = 1
    settings_obj.save()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.core.signing.time.time", lambda: timezone.now().timestamp() + 2 * 86400)
        page = client.get(f"/feedback/nps/{token}/")
    assert page.status_code == HTTPStatus.BAD_REQUEST
    assert "expired" in page.content.decode()
    assert NPSSurvey.objects.get().score is None


def test_the_customer_area_asks_and_takes_the_answer(client, solved_recently):
    nps.ask(person=solved_recently, trigger=NPSTrigger.SOLVED_REQUEST)
    client.force_login(solved_recently)
    dashboard = client.get(reverse("accounts:dashboard")).content.decode()
    assert "One question for you" in dashboard
    assert client.post(reverse("insights:nps_form"), {"score": "11"}).status_code == HTTPStatus.BAD_REQUEST
    response = client.post(reverse("insights:nps_form"), {"score": "3", "comment": "Too slow."})
    assert response.status_code == HTTPStatus.FOUND
    survey = NPSSurvey.objects.get()
    assert (survey.score, survey.comment, survey.group) == (3, "Too slow.", "detractor")
    assert "One question for you" not in client.get(reverse("accounts:dashboard")).content.decode()


def test_the_emails_withdraw_link_needs_a_click_and_stops_the_question(client, solved_recently, smtp):
    nps.send_surveys()
    stop = next(url for url in links(smtp.messages[0]) if "/privacy/withdraw/" in url)
    path = "/" + stop.split("://", 1)[1].split("/", 1)[1]
    assert client.get(path).status_code == HTTPStatus.OK  # a mail scanner's visit withdraws nothing
    assert allows(solved_recently, SURVEYS)
    client.post(path)
    assert not allows(solved_recently, SURVEYS)
    NPSSurvey.objects.all().delete()
    assert nps.send_surveys() == 0


def test_the_score_promoters_minus_detractors():
    week = Period(date(2026, 12, 7), date(2026, 12, 13), "Europe/Belgrade")
    moment = datetime(2026, 12, 8, 12, tzinfo=ZoneInfo("Europe/Belgrade"))
    for score in (10, 9, 9, 8, 7, 6, 0, 10):
        NPSSurvey.objects.create(person=UserFactory(), trigger=NPSTrigger.MEMBERSHIP, score=score, answered_at=moment)
    NPSSurvey.objects.create(person=UserFactory(), trigger=NPSTrigger.MEMBERSHIP)  # not answered
    # 4 promoters, 2 passives, 2 detractors of 8: 50 % − 25 % = 25.
    assert metrics.nps(week) == {"responses": 8, "promoters": 4, "passives": 2, "detractors": 2, "score": 25}
    assert metrics.nps(week, tier="Gold")["score"] is None


def test_a_detractor_can_be_called_back_once(client, solved_recently, queue):
    lead = UserFactory(role="agent", display_name="Lead")
    queue.lead = lead
    queue.save()
    survey = nps.ask(person=solved_recently, trigger=NPSTrigger.SOLVED_REQUEST)
    nps.answer(survey=survey, score=2, comment="Nobody called me.")
    admin = UserFactory(role="admin")
    client.force_login(admin)
    page = client.get(reverse("insights_satisfaction"), {"days": 7})
    assert "Nobody called me." in page.content.decode()
    url = reverse("insights_nps_follow_up", args=[survey.pk])
    client.post(url)
    client.post(url)  # a double click opens one
    survey.refresh_from_db()
    follow_up = survey.follow_up
    assert Ticket.objects.filter(subject__startswith="Follow-up on your feedback").count() == 1
    assert (follow_up.requester, follow_up.assignee, follow_up.channel) == (solved_recently, lead, "phone")
    promoter = nps.ask(person=UserFactory(role="customer"), trigger=NPSTrigger.MEMBERSHIP)
    nps.answer(survey=promoter, score=10)
    with pytest.raises(nps.SurveyError):
        nps.open_follow_up(survey=promoter, actor=admin)


def test_an_agent_reads_only_the_nps_comments_of_their_queues_customers(client, solved_recently, agent):

    survey = nps.ask(person=solved_recently, trigger=NPSTrigger.SOLVED_REQUEST)
    nps.answer(survey=survey, score=4, comment="Too slow in my queue.")
    elsewhere = nps.ask(person=UserFactory(role="customer"), trigger=NPSTrigger.MEMBERSHIP)
    nps.answer(survey=elsewhere, score=2, comment="A stranger's complaint.")
    client.force_login(agent)
    page = client.get(reverse("insights_satisfaction"), {"days": 7}).content.decode()
    assert "Too slow in my queue." in page and "A stranger&#x27;s complaint." not in page
    assert "A stranger's complaint." not in page
    client.force_login(UserFactory(role="admin"))
    page = client.get(reverse("insights_satisfaction"), {"days": 7}).content.decode()
    assert "Too slow in my queue." in page and "complaint." in page
