"""The metrics on a constructed week, every figure computed by hand.

The week is Monday 7 – Sunday 13 December 2026 in Belgrade; the office works Monday to Friday,
08:00–17:00; the policy promises a first reply in 4 business hours, the next in 8, a solution in 40.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from portal.insights import metrics
from portal.insights.metrics import Period, Scope
from portal.insights.models import FilingStart, ReplyFacts, RequestFacts
from portal.insights.services import rebuild_facts, refresh_facts
from portal.search.models import SearchLog, SuggestionOpened
from tests.factories import UserFactory
from tickets import services
from tickets.choices import Impact, Status
from tickets.models import Rating, SatisfactionSurvey

pytestmark = pytest.mark.django_db
BELGRADE = ZoneInfo("Europe/Belgrade")
WEEK = Period(date(2026, 12, 7), date(2026, 12, 13), "Europe/Belgrade")
HOUR = 3600


def at(month: int, day: int, hour: int) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=BELGRADE)


@pytest.fixture
def week(policy, request_type, agent):
    customer = UserFactory(role="customer")

    def file(moment, subject):
        return services.open_ticket(
            requester=customer,
            request_type=request_type,
            subject=subject,
            description="…",
            impact=Impact.MINOR,
            fields={"version": "2"},
            now=moment,
        )

    # A: filed Friday 16:00 (the week before), answered Monday 09:00, solved Monday 10:00.
    a = file(at(12, 4, 16), "A")
    services.add_agent_reply(ticket=a, agent=agent, body="Try this.", now=at(12, 7, 9))
    services.mark_solved(ticket=a, actor=agent, now=at(12, 7, 10))
    # B: filed Monday 10:00, answered Tuesday 10:00 (9 business hours: late), asked again at 11:00,
    # answered at 12:00, solved 13:00, reopened Wednesday 09:00, answered 10:00, solved 11:00.
    b = file(at(12, 7, 10), "B")
    services.add_agent_reply(ticket=b, agent=agent, body="Hello.", now=at(12, 8, 10))
    services.add_customer_reply(ticket=b, author=customer, body="Still broken.", now=at(12, 8, 11))
    services.add_agent_reply(ticket=b, agent=agent, body="Fixed now.", now=at(12, 8, 12))
    services.mark_solved(ticket=b, actor=agent, now=at(12, 8, 13))
    services.reopen(ticket=b, actor=customer, now=at(12, 9, 9))
    services.add_agent_reply(ticket=b, agent=agent, body="Again fixed.", now=at(12, 9, 10))
    services.mark_solved(ticket=b, actor=agent, now=at(12, 9, 11))
    # C: filed Thursday 09:00, nobody answered. D: filed 1 November, still open.
    c = file(at(12, 10, 9), "C")
    d = file(at(11, 1, 9), "D")
    rebuild_facts()
    return {"a": a, "b": b, "c": c, "d": d, "customer": customer}


def test_volume_and_backlog_ages(week):
    assert metrics.volume(WEEK) == {
        "created": 2,  # B and C
        "solved": 2,  # A and B
        "reopened": 1,
        "backlog": 2,  # C and D, open at Sunday midnight
        "backlog_ages": {"under_1_day": 0, "1_3_days": 0, "3_7_days": 1, "7_30_days": 0, "over_30_days": 1},
    }


def test_first_and_next_reply_times(week):
    # First replies: A 65 h (2 business), B 24 h (9 business).
    assert metrics.reply_times(WEEK, "first") == {
        "count": 2,
        "median": 44.5 * HOUR,
        "p90": pytest.approx(60.9 * HOUR),
        "business_median": 5.5 * HOUR,
        "business_p90": pytest.approx(8.3 * HOUR),
    }
    # B's customer wrote at 11:00 and was answered at 12:00; the reply after the reopening answered no message.
    assert metrics.reply_times(WEEK, "next") == {
        "count": 1,
        "median": 1.0 * HOUR,
        "p90": 1.0 * HOUR,
        "business_median": 1.0 * HOUR,
        "business_p90": 1.0 * HOUR,
    }


def test_resolution_reopen_rate_and_first_contact_resolution(week):
    figures = metrics.resolution(WEEK)
    # A reply sets "waiting on the customer", which pauses the business clock until they write or it is solved.
    # A: 66 h on the clock; business Friday 16–17 and Monday 8–10, less Monday 9–10 waiting = 2 h.
    # B: Monday 10:00 → Wednesday 11:00 = 49 h; business 7 + 9 + 3 = 19 h, less three hours waiting
    # (Tuesday 10–11 and 12–13, Wednesday 10–11) = 16 h.
    assert figures["solved"] == 2
    assert figures["median"] == pytest.approx(57.5 * HOUR)
    assert figures["business_median"] == pytest.approx(9 * HOUR)
    assert figures["business_p90"] == pytest.approx((2 + 0.9 * 14) * HOUR)
    assert (figures["reopened"], figures["reopen_rate"]) == (1, 50.0)
    assert (figures["first_contact"], figures["first_contact_rate"]) == (1, 50.0)  # A: one reply, never reopened


def test_sla_attainment(week, queue):
    assert metrics.sla_attainment(WEEK) == {
        "first_reply": {"met": 1, "missed": 1, "percent": 50.0},
        "next_reply": {"met": 1, "missed": 0, "percent": 100.0},
        "resolution": {"met": 2, "missed": 0, "percent": 100.0},
        "missed_by_queue": {queue.pk: 1},
    }


def test_satisfaction(week):
    a, b, d = week["a"], week["b"], week["d"]
    SatisfactionSurvey.objects.update_or_create(
        ticket=a,
        defaults={
            "customer": a.requester,
            "asked_at": at(12, 7, 10),
            "rating": Rating.GOOD,
            "answered_at": at(12, 7, 12),
        },
    )
    SatisfactionSurvey.objects.update_or_create(
        ticket=b,
        defaults={
            "customer": b.requester,
            "asked_at": at(12, 9, 11),
            "rating": Rating.BAD,
            "reason": "slow",
            "answered_at": at(12, 9, 12),
        },
    )
    SatisfactionSurvey.objects.update_or_create(ticket=d, defaults={"customer": d.requester, "asked_at": at(12, 9, 11)})
    rebuild_facts()  # written straight to the table above; the desk's own writes refresh on their own
    assert metrics.csat(WEEK) == {
        "rated": 2,
        "good": 1,
        "bad": 1,
        "percent_good": 50.0,
        "asked": 3,
        "response_rate": 66.7,
        "bad_reasons": [("slow", 1)],
    }


def test_slices_and_an_agents_queues(week, queue, agent, second_agent):
    assert metrics.volume(WEEK, Scope.of(priority="urgent"))["created"] == 0
    assert metrics.volume(WEEK, Scope.of(queue=queue.pk))["created"] == 2
    assert metrics.reply_times(WEEK, "first", Scope.of(agent=agent.pk))["count"] == 2
    assert metrics.reply_times(WEEK, "first", Scope.of(agent=second_agent.pk))["count"] == 0
    assert metrics.volume(WEEK, Scope.of(queues=()))["created"] == 0  # an agent of no queue sees nothing
    with pytest.raises(ValueError, match="unknown slice"):
        Scope.of(colour="red")


def test_the_previous_period_and_a_day_at_the_time_zone_boundary(week):
    previous = WEEK.previous()
    assert (previous.first_day, previous.last_day) == (date(2026, 11, 30), date(2026, 12, 6))
    assert metrics.volume(previous)["created"] == 1  # A, Friday 4 December
    # Sunday 6 December 23:30 in Belgrade is 22:30 UTC: still that Sunday, so the week before.
    RequestFacts.objects.filter(ticket=week["c"]).update(
        created_at=datetime(2026, 12, 6, 22, 30, tzinfo=ZoneInfo("UTC"))
    )
    assert metrics.volume(previous)["created"] == 2
    assert metrics.volume(WEEK)["created"] == 1


def test_merged_requests_are_not_measured(week, agent):
    services.merge_tickets(source=week["c"], target=week["d"], actor=agent, now=at(12, 11, 9))
    refresh_facts(week["c"].pk)
    assert not RequestFacts.objects.filter(ticket=week["c"]).exists()
    assert metrics.volume(WEEK)["created"] == 1


def test_every_change_measures_the_request_again_once_committed(
    policy, request_type, agent, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.open_ticket(
            requester=customer,
            request_type=request_type,
            subject="Wi-Fi",
            description="…",
            impact=Impact.MINOR,
            fields={"version": "2"},
        )
    assert RequestFacts.objects.get(ticket=ticket).first_reply_at is None
    with django_capture_on_commit_callbacks(execute=True):
        services.add_agent_reply(ticket=ticket, agent=agent, body="On it.", status=Status.OPEN)
    assert ReplyFacts.objects.filter(request_id=ticket.pk, kind="first").count() == 1


def test_deflection_and_searches():
    for key in ("s1", "s2", "s3"):
        FilingStart.objects.create(session_key=key, day=date(2026, 12, 8), started_at=at(12, 8, 9))
    opened = {
        "area": SuggestionOpened.Area.SUPPORT,
        "query": "wifi",
        "title": "Wi-Fi",
        "url": "/help/",
        "kind": "article",
    }
    SuggestionOpened.objects.create(session_key="s1", opened_at=at(12, 8, 9), **opened)  # did not file: deflected
    SuggestionOpened.objects.create(
        session_key="s2", opened_at=at(12, 8, 9), followed_up="SR-000001", followed_up_at=at(12, 8, 10), **opened
    )
    SuggestionOpened.objects.create(session_key="s4", opened_at=at(12, 8, 9), **opened)  # never started filing
    for results in (3, 0, 5, 1):
        SearchLog.objects.create(
            created_at=at(12, 8, 9), query="wifi", normalised="wifi", language="en", results=results
        )
    figures = metrics.self_service(WEEK)
    assert (figures["filing_sessions"], figures["deflected_sessions"], figures["deflection_rate"]) == (3, 1, 33.3)
    assert (figures["searches"], figures["searches_without_results"], figures["zero_result_share"]) == (4, 1, 25.0)
    assert figures["suggestions_opened"] == 3


def test_percentile_matches_postgresql():
    assert metrics.percentile([10, 20, 30, 40], 0.5) == 25
    assert metrics.percentile([10, 20, 30, 40], 0.9) == pytest.approx(37)
    assert metrics.percentile([], 0.5) is None


def test_opening_the_form_to_file_counts_the_session_once_a_day(client, customer, request_type, policy):
    client.force_login(customer)
    url = "/support/new/"
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert FilingStart.objects.count() == 1
    assert FilingStart.objects.get().session_key == client.session.session_key


def test_the_trend_by_day_and_week(week):
    by_day = metrics.series(WEEK, "day")
    assert [row["start"] for row in by_day][:2] == [date(2026, 12, 7), date(2026, 12, 8)]
    assert len(by_day) == 7
    monday, tuesday, wednesday, thursday = by_day[:4]
    assert (monday["created"], monday["solved"]) == (1, 1)  # B filed; A solved
    assert monday["first_reply_business_median"] == 2 * HOUR  # A's first reply, Monday 09:00
    assert (tuesday["first_reply_business_median"], tuesday["first_reply_sla"]) == (9 * HOUR, 0.0)  # B, late
    assert (wednesday["solved"], thursday["created"]) == (1, 1)  # B solved at last; C filed
    (whole_week,) = metrics.series(WEEK, "week")
    assert (whole_week["start"], whole_week["created"], whole_week["solved"]) == (date(2026, 12, 7), 2, 2)
    with pytest.raises(ValueError):
        metrics.series(WEEK, "fortnight")


def test_a_sparkline_draws_what_is_known_and_hides_from_screen_readers():
    from portal.insights.templatetags.insights_tags import sparkline

    svg = str(sparkline([{"n": 1}, {"n": None}, {"n": 3}, {"n": 2}], "n"))
    assert 'aria-hidden="true"' in svg
    assert svg.count("<polyline") == 1  # the gap splits the line; a lone point draws nothing
    assert sparkline([{"n": 5}], "n") == ""


def test_a_rating_reaches_the_figures_once_committed(week, django_capture_on_commit_callbacks):
    from tickets import satisfaction

    survey = SatisfactionSurvey.objects.get_or_create(ticket=week["a"], defaults={"customer": week["a"].requester})[0]
    SatisfactionSurvey.objects.filter(pk=survey.pk).update(asked_at=at(12, 7, 10), rating="", answered_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        satisfaction.rate(survey=survey, rating="bad", now=at(12, 8, 9))
        satisfaction.explain(survey=survey, reason="It took too long")
    facts = RequestFacts.objects.get(ticket=week["a"])
    assert (facts.rating, facts.rating_reason, facts.rated_at) == ("bad", "It took too long", at(12, 8, 9))
    assert metrics.csat(WEEK)["bad_reasons"] == [("It took too long", 1)]


def test_the_service_levels_page(week, client, queue, django_assert_max_num_queries):
    client.force_login(UserFactory(role="admin"))
    # The admin's frame and the filters' choices, then six figures and two per table: constant.
    with django_assert_max_num_queries(40):
        page = client.get("/admin/insights/service-levels/", {"start": "2026-12-07", "end": "2026-12-13"})
    assert page.status_code == 200
    targets = {key: now for key, _label, _drill, now, _before in page.context["targets"]}
    assert targets["first_reply"] == {"met": 1, "missed": 1, "percent": 50.0}
    (dimension, _heading, rows), *_ = page.context["tables"]
    assert dimension == "queue"
    assert [(row["name"], row["first_reply"]["missed"]) for row in rows] == [("Technical support", 1)]
    assert f"/admin/insights/requests/first_reply_missed/?start=2026-12-07&amp;end=2026-12-13&amp;queue={queue.pk}" in (
        page.content.decode()
    )
    assert metrics.sla_by(WEEK, "priority") == {
        "normal": {
            "first_reply": {"met": 1, "missed": 1, "percent": 50.0},
            "next_reply": {"met": 1, "missed": 0, "percent": 100.0},
            "resolution": {"met": 2, "missed": 0, "percent": 100.0},
        }
    }


def test_slicing_by_product_and_organisation(week, client):
    assert (
        metrics.volume(WEEK, Scope.of(product="Router AX3"))["created"] == 0
    )  # the fixture's type has no product field
    assert metrics.volume(WEEK, Scope.of(organisation=None))["created"] == 2
    client.force_login(UserFactory(role="admin"))
    page = client.get("/admin/insights/", {"start": "2026-12-07", "end": "2026-12-13", "product": "No such product"})
    assert page.status_code == 200
    assert "Select a valid choice" in page.content.decode()


def test_one_change_is_measured_once_however_many_events_it_writes(
    policy, request_type, agent, customer, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.open_ticket(
            requester=customer, request_type=request_type, subject="Wi-Fi", description="…",
            impact=Impact.MINOR, fields={"version": "2"},
        )  # fmt: skip
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.add_agent_reply(ticket=ticket, agent=agent, body="On it.", status=Status.WAITING_ON_CUSTOMER)
    refreshes = [q for q in queries.captured_queries if "MAX(" in q["sql"] and "tickets_ticketevent" in q["sql"]]
    assert len(callbacks) >= 2  # a reply and a status change: two events…
    assert len(refreshes) == 1  # …measured once
    assert ReplyFacts.objects.filter(request_id=ticket.pk, kind="first").count() == 1
