"""One request measured by hand: waits, business time with pauses, SLA outcomes, reopenings."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from portal.insights.facts import Entry, StatusChange, Targets, measure_request
from tickets import sla

BELGRADE = ZoneInfo("Europe/Belgrade")
OFFICE = sla.Calendar(time_zone="Europe/Belgrade", weekly_hours=dict.fromkeys(range(5), ((8 * 60, 17 * 60),)))
TARGETS = Targets(first_reply=timedelta(hours=4), next_reply=timedelta(hours=8), resolution=timedelta(hours=40))
PAUSED = {"waiting", "on_hold"}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """December 2026 in Belgrade: the 4th is a Friday, the 7th a Monday."""
    return datetime(2026, 12, day, hour, minute, tzinfo=BELGRADE)


def customer(moment):
    return Entry(moment, True, 7)


def agent(moment, who=3):
    return Entry(moment, False, who)


def measure(entries, changes=(), resolved_at=None, targets=TARGETS):
    return measure_request(
        created_at=at(4, 16),
        entries=list(entries),
        status_changes=list(changes),
        resolved_at=resolved_at,
        calendar=OFFICE,
        paused=PAUSED,
        targets=targets,
    )


def test_first_reply_over_a_weekend_counts_two_business_hours():
    # Filed Friday 16:00, answered Monday 09:00: 65 hours on the clock, 1 + 1 business hours.
    measured = measure([customer(at(4, 16)), agent(at(7, 9))])
    (first,) = measured.waits
    assert (first.kind, first.seconds, first.business_seconds, first.sla) == ("first", 65 * 3600, 2 * 3600, "met")
    assert first.agent_id == 3
    assert measured.agent_replies == 1
    assert measured.resolved_at is None


def test_next_reply_starts_at_the_customers_first_message_and_skips_pauses():
    entries = [
        customer(at(4, 16)),
        agent(at(7, 9)),
        customer(at(7, 10)),  # the wait starts here…
        customer(at(7, 11)),  # …not here
        agent(at(8, 10), who=4),
    ]
    # Monday 10–17 (7 h) + Tuesday 8–10 (2 h) = 9 h, over the 8 h target.
    unpaused = measure(entries)
    assert [(w.kind, w.business_seconds, w.sla) for w in unpaused.waits] == [
        ("first", 2 * 3600, "met"),
        ("next", 9 * 3600, "missed"),
    ]
    assert unpaused.waits[1].seconds == 24 * 3600
    assert unpaused.waits[1].agent_id == 4
    # Waiting on the customer Monday 12:00–15:00 takes 3 h off: 6 h, met.
    changes = [StatusChange(at(7, 12), "open", "waiting"), StatusChange(at(7, 15), "waiting", "open")]
    paused = measure(entries, changes)
    assert [(w.business_seconds, w.sla) for w in paused.waits] == [(2 * 3600, "met"), (6 * 3600, "met")]


def test_a_second_agent_reply_without_a_customer_message_between_starts_no_wait():
    measured = measure([customer(at(4, 16)), agent(at(7, 9)), agent(at(7, 10))])
    assert len(measured.waits) == 1
    assert measured.agent_replies == 2


def test_resolution_runs_to_the_last_solve_and_reopenings_are_counted():
    changes = [
        StatusChange(at(8, 12), "open", "solved"),
        StatusChange(at(9, 9), "solved", "open"),  # reopened
        StatusChange(at(9, 10), "open", "solved"),
    ]
    measured = measure([customer(at(4, 16)), agent(at(7, 9))], changes, resolved_at=at(9, 10))
    assert measured.reopenings == [at(9, 9)]
    # Friday 16–17, Monday 9 h, Tuesday 9 h, Wednesday 8–10: 1 + 9 + 9 + 2 = 21 business hours.
    assert measured.resolution_business_seconds == 21 * 3600
    assert measured.resolution_seconds == int((at(9, 10) - at(4, 16)).total_seconds())
    assert measured.resolution_sla == "met"


def test_without_a_policy_there_is_business_time_but_no_sla_outcome():
    measured = measure([customer(at(4, 16)), agent(at(7, 9))], resolved_at=at(7, 9), targets=None)
    assert measured.waits[0].sla == ""
    assert measured.waits[0].business_seconds == 2 * 3600
    assert measured.resolution_sla == ""


def test_a_request_nobody_answered_has_no_waits():
    measured = measure([customer(at(4, 16))])
    assert measured.waits == []
    assert measured.first is None
