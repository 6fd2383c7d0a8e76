"""The SLA arithmetic, without a database: weekends, holidays, DST, pauses, midnight."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tickets.sla import (
    Calendar,
    ClockState,
    Pause,
    SegmentKind,
    add_business_time,
    business_time_between,
    explain,
    measure,
    reminder_moments,
)

BELGRADE = ZoneInfo("Europe/Belgrade")
NINE_TO_FIVE = dict.fromkeys(range(5), ((9 * 60, 17 * 60),))  # Monday–Friday 09:00–17:00
OFFICE = Calendar(time_zone="Europe/Belgrade", weekly_hours=NINE_TO_FIVE)
H = timedelta(hours=1)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=BELGRADE)


# 2026-11-23 is a Monday; 2026-11-27 a Friday.
@pytest.mark.parametrize(
    ("start", "amount", "expected"),
    [
        (local(2026, 11, 23, 10, 0), 2 * H, local(2026, 11, 23, 12, 0)),  # inside one day
        (local(2026, 11, 23, 16, 0), 2 * H, local(2026, 11, 24, 10, 0)),  # runs over into the next day
        (local(2026, 11, 23, 7, 30), 1 * H, local(2026, 11, 23, 10, 0)),  # filed before opening
        (local(2026, 11, 23, 20, 0), 1 * H, local(2026, 11, 24, 10, 0)),  # filed after closing
        (local(2026, 11, 27, 16, 0), 4 * H, local(2026, 11, 30, 12, 0)),  # Friday → Monday, weekend skipped
        (local(2026, 11, 28, 11, 0), 1 * H, local(2026, 11, 30, 10, 0)),  # filed on Saturday
        (local(2026, 11, 23, 0, 0), 8 * H, local(2026, 11, 23, 17, 0)),  # filed at midnight: the whole day
        (local(2026, 11, 23, 10, 0), 40 * H, local(2026, 11, 30, 10, 0)),  # a full working week
        (local(2026, 11, 23, 17, 0), 0 * H, local(2026, 11, 24, 9, 0)),  # zero target at closing time
        (local(2026, 11, 23, 12, 0), 0 * H, local(2026, 11, 23, 12, 0)),  # zero target inside hours
    ],
)
def test_add_business_time_across_days_and_weekends(start, amount, expected):
    assert add_business_time(OFFICE, start, amount) == expected


def test_holidays_are_skipped():
    calendar = Calendar("Europe/Belgrade", NINE_TO_FIVE, holidays=frozenset({date(2026, 11, 24)}))
    assert add_business_time(calendar, local(2026, 11, 23, 16, 0), 2 * H) == local(2026, 11, 25, 10, 0)
    assert business_time_between(calendar, local(2026, 11, 23, 9), local(2026, 11, 26, 9)) == 16 * H


def test_new_year_holidays_and_weekend_together():
    # Serbia: 1–2 January are holidays; 2027-01-01 is a Friday, so nothing works until Monday the 4th.
    calendar = Calendar("Europe/Belgrade", NINE_TO_FIVE, holidays=frozenset({date(2027, 1, 1), date(2027, 1, 2)}))
    assert add_business_time(calendar, local(2026, 12, 31, 16, 30), 1 * H) == local(2027, 1, 4, 9, 30)


def test_split_shifts_and_midnight_end():
    # Monday 08:00–12:00 and 13:00–24:00 (a lunch break and a late shift ending at midnight).
    calendar = Calendar("UTC", {0: ((8 * 60, 12 * 60), (13 * 60, 24 * 60))})
    monday = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
    assert add_business_time(calendar, monday, 2 * H) == datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    assert add_business_time(calendar, monday, 12 * H) == datetime(2026, 11, 23, 24 - 1, 59, tzinfo=UTC) + timedelta(
        minutes=1
    )
    # The next working minute after Monday's midnight is the next Monday at 08:00.
    assert add_business_time(calendar, monday, 13 * H) == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def test_around_the_clock_counts_wall_time_through_dst():
    calendar = Calendar.always("Europe/Belgrade")
    # Spring forward: 2026-03-29 02:00 → 03:00; the local day has 23 hours.
    spring = local(2026, 3, 29, 0, 0)
    assert business_time_between(calendar, spring, local(2026, 3, 30, 0, 0)) == 23 * H
    assert add_business_time(calendar, spring, 3 * H) == local(2026, 3, 29, 4, 0)
    # Fall back: 2026-10-25 03:00 → 02:00; the local day has 25 hours.
    autumn = local(2026, 10, 25, 0, 0)
    assert business_time_between(calendar, autumn, local(2026, 10, 26, 0, 0)) == 25 * H


def test_office_hours_keep_wall_clock_times_across_dst():
    # Friday 16:00 before the spring change; Monday 09:00 is CEST (UTC+2), not CET.
    due = add_business_time(OFFICE, local(2026, 3, 27, 16, 0), 2 * H)
    assert due == local(2026, 3, 30, 10, 0)
    assert due.utcoffset() == timedelta(0)  # results are in UTC
    assert due.astimezone(BELGRADE).hour == 10
    # Friday before the autumn change; Monday is CET again.
    due = add_business_time(OFFICE, local(2026, 10, 23, 16, 30), 1 * H)
    assert due.astimezone(BELGRADE) == local(2026, 10, 26, 9, 30)


def test_working_hours_that_contain_the_skipped_hour():
    # A Sunday night shift 01:00–04:00 on the spring-forward night is only two hours long.
    calendar = Calendar("Europe/Belgrade", {6: ((60, 4 * 60),)})
    night = local(2026, 3, 29, 0, 0)
    assert business_time_between(calendar, night, local(2026, 3, 29, 12, 0)) == 2 * H
    # And on the autumn night, three hours of wall time are four real hours.
    assert business_time_between(calendar, local(2026, 10, 25, 0, 0), local(2026, 10, 25, 12, 0)) == 4 * H


def test_pauses_push_the_due_time():
    start = local(2026, 11, 23, 9, 0)
    pause = Pause(local(2026, 11, 23, 10, 0), local(2026, 11, 23, 15, 0), "waiting for the customer")
    # 4 business hours with 5 paused: 1 before the pause, 2 after (15–17), 1 the next morning.
    assert add_business_time(OFFICE, start, 4 * H, [pause]) == local(2026, 11, 24, 10, 0)
    assert business_time_between(OFFICE, start, local(2026, 11, 23, 17, 0), [pause]) == 3 * H


def test_a_pause_outside_hours_changes_nothing():
    start = local(2026, 11, 23, 9, 0)
    night = Pause(local(2026, 11, 23, 18, 0), local(2026, 11, 24, 8, 0))
    assert add_business_time(OFFICE, start, 10 * H, [night]) == add_business_time(OFFICE, start, 10 * H)


def test_an_open_pause_stops_the_clock():
    start = local(2026, 11, 23, 9, 0)
    open_pause = Pause(local(2026, 11, 23, 11, 0))
    assert add_business_time(OFFICE, start, 4 * H, [open_pause]) is None
    assert add_business_time(OFFICE, start, 1 * H, [open_pause]) == local(2026, 11, 23, 10, 0)
    assert business_time_between(OFFICE, start, local(2026, 11, 25, 9, 0), [open_pause]) == 2 * H


def test_pauses_that_overlap_or_start_before_the_clock():
    start = local(2026, 11, 23, 9, 0)
    pauses = [
        Pause(local(2026, 11, 22, 9, 0), local(2026, 11, 23, 10, 0)),  # began before the clock started
        Pause(local(2026, 11, 23, 11, 0), local(2026, 11, 23, 13, 0)),
        Pause(local(2026, 11, 23, 12, 0), local(2026, 11, 23, 14, 0)),  # overlaps the previous one
    ]
    assert business_time_between(OFFICE, start, local(2026, 11, 23, 17, 0), pauses) == 4 * H


def test_measure_running_breached_paused_met_missed():
    start = local(2026, 11, 23, 9, 0)
    running = measure(OFFICE, started_at=start, target=4 * H, now=local(2026, 11, 23, 10, 0))
    assert running.state is ClockState.RUNNING
    assert running.due_at == local(2026, 11, 23, 13, 0)
    assert running.remaining == 3 * H
    assert running.is_active

    breached = measure(OFFICE, started_at=start, target=4 * H, now=local(2026, 11, 23, 14, 0))
    assert breached.state is ClockState.BREACHED
    assert breached.remaining == -1 * H

    paused = measure(
        OFFICE, started_at=start, target=4 * H, now=local(2026, 11, 23, 12, 0), pauses=[Pause(local(2026, 11, 23, 11))]
    )
    assert paused.state is ClockState.PAUSED
    assert paused.due_at is None
    assert paused.elapsed == 2 * H
    assert not paused.is_active

    resumed = measure(
        OFFICE,
        started_at=start,
        target=4 * H,
        now=local(2026, 11, 24, 9, 30),
        pauses=[Pause(local(2026, 11, 23, 11), local(2026, 11, 24, 9, 0))],
    )
    assert resumed.state is ClockState.RUNNING
    assert resumed.due_at == local(2026, 11, 24, 11, 0)

    met = measure(
        OFFICE, started_at=start, target=4 * H, now=local(2026, 12, 1), stopped_at=local(2026, 11, 23, 12, 59)
    )
    assert met.state is ClockState.MET
    missed = measure(
        OFFICE, started_at=start, target=4 * H, now=local(2026, 12, 1), stopped_at=local(2026, 11, 23, 13, 1)
    )
    assert missed.state is ClockState.MISSED
    assert missed.due_at == local(2026, 11, 23, 13, 0)


def test_a_reply_outside_hours_uses_no_business_time():
    # Filed Friday 18:00, answered Saturday: the first-reply clock never ran.
    result = measure(
        OFFICE,
        started_at=local(2026, 11, 27, 18, 0),
        target=1 * H,
        now=local(2026, 11, 30),
        stopped_at=local(2026, 11, 28, 10, 0),
    )
    assert result.state is ClockState.MET
    assert result.elapsed == timedelta(0)


def test_explain_tells_the_clock_story():
    start = local(2026, 11, 23, 16, 0)
    end = local(2026, 11, 24, 12, 0)
    pause = Pause(local(2026, 11, 24, 10, 0), local(2026, 11, 24, 11, 0), "waiting for the customer")
    segments = explain(OFFICE, start=start, end=end, pauses=[pause])
    assert [(s.kind, s.start.astimezone(BELGRADE).hour, s.end.astimezone(BELGRADE).hour) for s in segments] == [
        (SegmentKind.COUNTED, 16, 17),
        (SegmentKind.OUTSIDE_HOURS, 17, 9),
        (SegmentKind.COUNTED, 9, 10),
        (SegmentKind.PAUSED, 10, 11),
        (SegmentKind.COUNTED, 11, 12),
    ]
    assert segments[3].reason == "waiting for the customer"
    counted = sum((s.duration for s in segments if s.kind is SegmentKind.COUNTED), timedelta(0))
    assert counted == business_time_between(OFFICE, start, end, [pause]) == 3 * H


def test_explain_with_nothing_to_explain():
    assert explain(OFFICE, start=local(2026, 11, 23, 9), end=local(2026, 11, 23, 9)) == []


def test_a_calendar_without_hours_never_comes_due():
    assert add_business_time(Calendar("UTC", {}), datetime(2026, 1, 1, tzinfo=UTC), H) is None


def test_working_time_checks():
    assert OFFICE.is_working_time(local(2026, 11, 23, 9, 0))
    assert not OFFICE.is_working_time(local(2026, 11, 23, 17, 0))
    assert not OFFICE.is_working_time(local(2026, 11, 28, 12, 0))
    assert OFFICE.next_working_time(local(2026, 11, 28, 12, 0)) == local(2026, 11, 30, 9, 0)


def test_reminder_moments_are_sorted_and_positive():
    due = local(2026, 11, 23, 13, 0)
    assert reminder_moments(due, [15 * timedelta(minutes=1), 2 * H, timedelta(0)]) == [
        (2 * H, local(2026, 11, 23, 11, 0)),
        (timedelta(minutes=15), local(2026, 11, 23, 12, 45)),
    ]


@pytest.mark.parametrize(
    "bad",
    [
        lambda: Calendar("UTC", {7: ((0, 60),)}),
        lambda: Calendar("UTC", {0: ((600, 540),)}),
        lambda: Calendar("UTC", {0: ((0, 1441),)}),
        lambda: add_business_time(OFFICE, datetime(2026, 1, 1), H),  # naive
        lambda: add_business_time(OFFICE, local(2026, 1, 1), -H),
    ],
)
def test_bad_input_is_refused(bad):
    with pytest.raises(ValueError):
        bad()


def test_overlapping_rows_of_one_weekday_count_their_hours_once():
    doubled = Calendar(
        time_zone="Europe/Belgrade",
        weekly_hours={
            0: ((9 * 60, 17 * 60), (9 * 60, 12 * 60)),
            1: ((9 * 60, 17 * 60),),
            2: ((8 * 60, 10 * 60), (9 * 60, 11 * 60)),
        },
    )
    # Eight hours on Monday, two more on Tuesday: not Monday 11:00 (09:00–12:00 counted twice).
    assert add_business_time(doubled, local(2026, 11, 23, 9), 10 * H) == local(2026, 11, 24, 11)
    assert business_time_between(doubled, local(2026, 11, 25, 0), local(2026, 11, 26, 0)) == 3 * H


# 2027-03-28 (a Sunday): Belgrade's clocks go from 02:00 to 03:00.
SPRING = {6: ((0, 150),)}  # 00:00–02:30: ends inside the skipped hour
SPRING_START = {6: ((150, 600),)}  # 02:30–10:00: begins inside it


def test_a_period_ending_in_the_skipped_hour_ends_at_the_change():
    calendar = Calendar(time_zone="Europe/Belgrade", weekly_hours=SPRING)
    day = business_time_between(calendar, local(2027, 3, 28, 0), local(2027, 3, 29, 0))
    assert day == 2 * H  # 00:00 to the change at 02:00 (03:00 summer time): two hours passed


def test_a_period_beginning_in_the_skipped_hour_begins_at_the_change():
    calendar = Calendar(time_zone="Europe/Belgrade", weekly_hours=SPRING_START)
    day = business_time_between(calendar, local(2027, 3, 28, 0), local(2027, 3, 29, 0))
    assert day == 7 * H  # 03:00 (just after the gap) to 10:00
    assert add_business_time(calendar, local(2027, 3, 28, 0), H) == datetime(2027, 3, 28, 2, 0, tzinfo=UTC)
