"""A request's SLA clocks, read from its row and its status history (no writes).

The arithmetic lives in `sla`; this module only turns a ticket into its inputs: the policy's
calendar and targets, when each clock started and stopped, and the pauses found in the
status events.
"""

from dataclasses import dataclass
from datetime import datetime

from . import sla
from .choices import SLATarget, Status


@dataclass(frozen=True)
class Clock:
    target: SLATarget
    measurement: sla.Measurement
    started_at: datetime
    stopped_at: datetime | None

    @property
    def label(self) -> str:
        return SLATarget(self.target).label


def paused_statuses(settings_obj) -> set[str]:
    paused = {Status.WAITING_ON_CUSTOMER}
    if settings_obj is None or settings_obj.pause_on_hold:
        paused.add(Status.ON_HOLD)
    return paused


def pauses_from_events(status_events, paused: set[str]) -> list[sla.Pause]:
    """Pauses from status events in time order: entering a paused status opens one, leaving closes it."""
    pauses: list[sla.Pause] = []
    current: tuple[datetime, str] | None = None
    for event in status_events:
        entering = event.new_value in paused
        if entering and current is None:
            current = (event.created_at, Status(event.new_value).label)
        elif not entering and current is not None:
            pauses.append(sla.Pause(current[0], event.created_at, current[1]))
            current = None
    if current is not None:
        pauses.append(sla.Pause(current[0], None, current[1]))
    return pauses


def ticket_clocks(ticket, *, status_events, now: datetime, settings_obj=None) -> list[Clock]:
    """The clocks that apply to the request now: first reply, next reply (when one is awaited), resolution.

    `ticket.sla_policy.calendar` with its hours and holidays should be prefetched.
    """
    policy = ticket.sla_policy
    if policy is None:
        return []
    calendar = policy.calendar.as_calendar()
    pauses = pauses_from_events(status_events, paused_statuses(settings_obj))
    clocks = []

    def add(target, started_at, stopped_at):
        measurement = sla.measure(
            calendar,
            started_at=started_at,
            target=policy.target(target),
            now=now,
            pauses=pauses,
            stopped_at=stopped_at,
        )
        clocks.append(Clock(SLATarget(target), measurement, started_at, stopped_at))

    add(SLATarget.FIRST_REPLY, ticket.created_at, ticket.first_replied_at)
    if ticket.first_replied_at and ticket.awaiting_reply_since:
        add(SLATarget.NEXT_REPLY, ticket.awaiting_reply_since, None)
    resolved_at = ticket.solved_at or ticket.closed_at
    add(SLATarget.RESOLUTION, ticket.created_at, resolved_at)
    return clocks


def earliest_due(clocks: list[Clock]) -> datetime | None:
    dues = [clock.measurement.due_at for clock in clocks if clock.stopped_at is None and clock.measurement.due_at]
    return min(dues, default=None)


@dataclass(frozen=True)
class Promise:
    """What the customer is told about the next step."""

    kind: str  # "reply", "resolution", "paused", "none"
    due_at: datetime | None
    time_zone: str
    business_hours: bool
    #: "reply" or "resolution" when that promise is already broken (the page apologises instead of
    #: showing a time in the past), "" when none is.
    late: str = ""


def customer_promise(ticket, clocks: list[Clock]) -> Promise:
    """The promise shown on the request page: when we will reply next, or that the clock is paused."""
    if not ticket.is_active or ticket.sla_policy is None:
        return Promise("none", None, "", False)
    calendar = ticket.sla_policy.calendar.as_calendar()
    zone = calendar.time_zone
    business = calendar.weekly_hours != sla.Calendar.always(zone).weekly_hours
    running = {clock.target: clock for clock in clocks if clock.stopped_at is None}
    if any(clock.measurement.state == sla.ClockState.PAUSED for clock in running.values()):
        return Promise("paused", None, zone, business)
    order = ((SLATarget.NEXT_REPLY, "reply"), (SLATarget.FIRST_REPLY, "reply"), (SLATarget.RESOLUTION, "resolution"))
    late = next(
        (
            kind
            for target, kind in order
            if target in running and running[target].measurement.state == sla.ClockState.BREACHED
        ),
        "",
    )
    for target, kind in order:
        if target in running:
            return Promise(kind, running[target].measurement.due_at, zone, business, late)
    return Promise("none", None, zone, business)


def explain_clock(ticket, clock: Clock, *, status_events, now: datetime, settings_obj=None) -> list[sla.Segment]:
    calendar = ticket.sla_policy.calendar.as_calendar()
    pauses = pauses_from_events(status_events, paused_statuses(settings_obj))
    return sla.explain(calendar, start=clock.started_at, end=clock.stopped_at or now, pauses=pauses)
