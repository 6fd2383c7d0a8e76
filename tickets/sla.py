"""SLA arithmetic in business hours: pure functions, no ORM and no I/O.

A `Calendar` says when the clock may run: weekly working hours in a time zone, minus
holidays. A target (first reply, next reply, resolution) is an amount of *business* time; its
clock starts at a moment, stops when the target is met, and does not run while the request is
paused (waiting on the customer, or a status an admin marks as paused).

Every datetime going in must be timezone-aware; every datetime coming out is in UTC.
Working hours are minutes after local midnight, so 00:00–24:00 is a whole day, and a working
day that crosses a daylight-saving change is as long as the wall clock says (23 or 25 hours).
A working period that begins or ends at a time the spring change skips begins or ends at the
change itself (the first moment after the gap). Overlapping periods of one weekday count once.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60
#: How far ahead we look for working time before giving up (a calendar with no hours at all).
MAX_DAYS_AHEAD = 3 * 366


@dataclass(frozen=True)
class Calendar:
    """Working hours per weekday (0 = Monday) as (start, end) minutes after local midnight."""

    time_zone: str = "UTC"
    weekly_hours: dict[int, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()

    def __post_init__(self):
        for weekday, intervals in self.weekly_hours.items():
            if weekday not in range(7):
                raise ValueError(f"weekday must be 0–6, not {weekday}")
            for start, end in intervals:
                if not 0 <= start < end <= MINUTES_PER_DAY:
                    raise ValueError(f"working hours must satisfy 0 ≤ start < end ≤ 1440, not {start}–{end}")
        merged = {weekday: merge_intervals(intervals) for weekday, intervals in self.weekly_hours.items()}
        object.__setattr__(self, "merged_hours", merged)

    @classmethod
    def always(cls, time_zone: str = "UTC") -> Calendar:
        """Around the clock, every day (24/7 support)."""
        return cls(time_zone=time_zone, weekly_hours=dict.fromkeys(range(7), ((0, MINUTES_PER_DAY),)))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def working_intervals(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working intervals (UTC) in time order, from the one containing or following `start`."""
        _require_aware(start)
        zone = self.zone
        day = start.astimezone(zone).date() - timedelta(days=1)  # an interval may begin the day before
        for _ in range(MAX_DAYS_AHEAD):
            if day not in self.holidays:
                for begin, end in self.merged_hours.get(day.weekday(), ()):
                    begin_at = _local(day, begin, zone)
                    end_at = _local(day, end, zone)
                    if end_at > start and end_at > begin_at:
                        yield max(begin_at, start), end_at
            day += timedelta(days=1)

    def is_working_time(self, moment: datetime) -> bool:
        _require_aware(moment)
        for begin, end in self.working_intervals(moment):
            return begin <= moment < end
        return False

    def next_working_time(self, moment: datetime) -> datetime | None:
        """`moment` itself when inside working hours, else the start of the next working interval."""
        for begin, _end in self.working_intervals(moment):
            return max(begin, moment.astimezone(UTC))
        return None


def merge_intervals(intervals: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Periods of one day in order, overlapping or touching ones joined: each minute counts once."""
    merged: list[list[int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((start, end) for start, end in merged)


def _local(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    """Local wall-clock time `minutes` after midnight of `day`, in UTC.

    A time that does not exist (skipped by a spring-forward change) lands just after the gap, at
    the change itself; an ambiguous one (autumn) takes its first occurrence.
    """
    naive = datetime(day.year, day.month, day.day) + timedelta(minutes=minutes)
    moment = naive.replace(tzinfo=zone).astimezone(UTC)
    if moment.astimezone(zone).replace(tzinfo=None) == naive:
        return moment
    # Skipped: the change happened between the earlier reading (fold=1, the offset after the
    # change) and this one; find the first minute whose wall-clock time is at or past `naive`.
    low = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = moment
    while high - low > timedelta(minutes=1):
        middle = low + (high - low) / 2
        middle = middle.replace(second=0, microsecond=0)
        if middle.astimezone(zone).replace(tzinfo=None) >= naive:
            high = middle
        else:
            low = middle
    return high


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("SLA arithmetic needs timezone-aware datetimes")


@dataclass(frozen=True)
class Pause:
    """The clock did not run from `start` to `end` (None: still paused). `reason` is for people."""

    start: datetime
    end: datetime | None = None
    reason: str = ""


def _running_intervals(
    calendar: Calendar, start: datetime, pauses: Iterable[Pause], until: datetime | None = None
) -> Iterator[tuple[datetime, datetime]]:
    """Working intervals from `start` (to `until` if given) with the pauses cut out."""
    start = start.astimezone(UTC)
    cuts = sorted(
        (p.start.astimezone(UTC), p.end.astimezone(UTC) if p.end else None)
        for p in pauses
        if p.end is None or p.end > start
    )
    for begin, end in calendar.working_intervals(start):
        if until is not None:
            if begin >= until:
                return
            end = min(end, until)
        pieces = [(begin, end)]
        for cut_start, cut_end in cuts:
            next_pieces = []
            for piece_start, piece_end in pieces:
                if (cut_end is not None and cut_end <= piece_start) or cut_start >= piece_end:
                    next_pieces.append((piece_start, piece_end))
                    continue
                if cut_start > piece_start:
                    next_pieces.append((piece_start, cut_start))
                if cut_end is not None and cut_end < piece_end:
                    next_pieces.append((cut_end, piece_end))
            pieces = next_pieces
        yield from pieces
        # An open pause stops the clock for good (until it is closed).
        if any(cut_end is None and cut_start < end for cut_start, cut_end in cuts):
            return


def business_time_between(
    calendar: Calendar, start: datetime, end: datetime, pauses: Iterable[Pause] = ()
) -> timedelta:
    """Business time the clock ran between `start` and `end`, pauses excluded."""
    _require_aware(start)
    _require_aware(end)
    end = end.astimezone(UTC)
    if end <= start:
        return timedelta(0)
    total = timedelta(0)
    for begin, finish in _running_intervals(calendar, start, pauses, until=end):
        total += finish - begin
    return total


def add_business_time(
    calendar: Calendar, start: datetime, amount: timedelta, pauses: Iterable[Pause] = ()
) -> datetime | None:
    """The moment `amount` of business time after `start`; None if the clock is paused for good.

    A zero amount gives the first working moment at or after `start`.
    """
    _require_aware(start)
    if amount < timedelta(0):
        raise ValueError("a target cannot be negative")
    left = amount
    for begin, end in _running_intervals(calendar, start, pauses):
        if end - begin >= left and (left > timedelta(0) or end > begin):
            return begin + left
        left -= end - begin
    return None


class ClockState(enum.StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    BREACHED = "breached"  # still running, past its target
    MET = "met"  # stopped within its target
    MISSED = "missed"  # stopped after its target


@dataclass(frozen=True)
class Measurement:
    """Where one target stands at a moment."""

    state: ClockState
    target: timedelta
    elapsed: timedelta
    due_at: datetime | None  # None while paused: the due time moves when the clock resumes

    @property
    def remaining(self) -> timedelta:
        """Business time left (negative when overdue)."""
        return self.target - self.elapsed

    @property
    def is_active(self) -> bool:
        return self.state in {ClockState.RUNNING, ClockState.BREACHED}


def measure(
    calendar: Calendar,
    *,
    started_at: datetime,
    target: timedelta,
    now: datetime,
    pauses: Iterable[Pause] = (),
    stopped_at: datetime | None = None,
) -> Measurement:
    """Measure one target: its state, business time used and due moment."""
    _require_aware(now)
    pauses = list(pauses)
    end = stopped_at or now
    elapsed = business_time_between(calendar, started_at, end, pauses)
    if stopped_at is not None:
        due_at = add_business_time(calendar, started_at, target, [p for p in pauses if p.end is not None])
        state = ClockState.MET if elapsed <= target else ClockState.MISSED
        return Measurement(state, target, elapsed, due_at)
    paused = any(p.start <= now and (p.end is None or p.end > now) for p in pauses)
    if paused:
        return Measurement(ClockState.PAUSED, target, elapsed, None)
    due_at = add_business_time(calendar, started_at, target, pauses)
    state = ClockState.BREACHED if due_at is not None and now >= due_at else ClockState.RUNNING
    return Measurement(state, target, elapsed, due_at)


class SegmentKind(enum.StrEnum):
    COUNTED = "counted"
    OUTSIDE_HOURS = "outside_hours"
    PAUSED = "paused"


@dataclass(frozen=True)
class Segment:
    kind: SegmentKind
    start: datetime
    end: datetime
    reason: str = ""

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


def explain(calendar: Calendar, *, start: datetime, end: datetime, pauses: Iterable[Pause] = ()) -> list[Segment]:
    """The clock's story between two moments: when it counted, was outside hours, or paused (why).

    Consecutive pieces of the same kind are joined; the counted pieces add up to
    `business_time_between(calendar, start, end, pauses)`.
    """
    _require_aware(start)
    _require_aware(end)
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return []
    pauses = sorted(pauses, key=lambda p: p.start)
    boundaries = {start, end}
    for begin, finish in calendar.working_intervals(start):
        if begin >= end:
            break
        boundaries.update({begin, min(finish, end)})
    for pause in pauses:
        for moment in (pause.start, pause.end):
            if moment is not None and start < moment < end:
                boundaries.add(moment.astimezone(UTC))
    points = sorted(boundaries)
    working = list(_clip_intervals(calendar, start, end))
    segments: list[Segment] = []
    for piece_start, piece_end in itertools.pairwise(points):
        pause = next(
            (p for p in pauses if p.start <= piece_start and (p.end is None or p.end >= piece_end)),
            None,
        )
        if pause is not None:
            kind, reason = SegmentKind.PAUSED, pause.reason
        elif any(b <= piece_start and piece_end <= f for b, f in working):
            kind, reason = SegmentKind.COUNTED, ""
        else:
            kind, reason = SegmentKind.OUTSIDE_HOURS, ""
        if segments and segments[-1].kind == kind and segments[-1].reason == reason:
            segments[-1] = Segment(kind, segments[-1].start, piece_end, reason)
        else:
            segments.append(Segment(kind, piece_start, piece_end, reason))
    return segments


def _clip_intervals(calendar: Calendar, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
    for begin, finish in calendar.working_intervals(start):
        if begin >= end:
            return
        yield begin, min(finish, end)


def reminder_moments(due_at: datetime, lead_times: Iterable[timedelta]) -> list[tuple[timedelta, datetime]]:
    """(lead time, moment) pairs for reminders before `due_at`, earliest first."""
    return sorted(((lead, due_at - lead) for lead in lead_times if lead > timedelta(0)), key=lambda pair: pair[1])
