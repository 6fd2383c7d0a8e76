"""Measure one support request: its waits for a reply, its resolution and its reopenings.

Pure functions over plain values (no ORM), so each definition can be tested on constructed data
with hand-computed answers. The definitions, also in the README's "Insights" section:

- A **wait** starts when the request is filed, or at the first customer message after a public
  reply of ours, and ends at our next public reply. The first wait of a request is its *first
  reply*, every later one a *next reply*. Internal notes answer nobody.
- **Calendar time** is wall-clock time. **Business time** counts only the working hours of the
  request's calendar (its SLA policy's, else the portal's first calendar, else around the clock),
  minus the time the request was paused (waiting on the customer, and on hold where the support
  settings say so) — the same arithmetic as the SLA clocks, so a reply the desk saw as "met" is
  "met" here.
- **Resolution** runs from filing to the last moment the request was solved or closed; a request
  that is open again has none.
- A **reopening** is a status change from solved or closed back to an active status.
- **SLA outcome** of a wait or of the resolution: met when its business time is within the
  policy's target, missed otherwise; blank without a policy.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tickets import sla
from tickets.choices import Status
from tickets.clocks import pauses_from_events

RESOLVED = {Status.SOLVED, Status.CLOSED}


@dataclass(frozen=True)
class Entry:
    """A public message of the conversation."""

    created_at: datetime
    from_customer: bool
    author_id: int | None


@dataclass(frozen=True)
class StatusChange:
    created_at: datetime
    old_value: str
    new_value: str


@dataclass(frozen=True)
class Targets:
    first_reply: timedelta
    next_reply: timedelta
    resolution: timedelta


@dataclass(frozen=True)
class Wait:
    kind: str  # "first" or "next"
    waited_from: datetime
    replied_at: datetime
    seconds: int
    business_seconds: int
    sla: str  # "met", "missed" or ""
    agent_id: int | None


@dataclass
class Measured:
    waits: list[Wait] = field(default_factory=list)
    agent_replies: int = 0
    resolved_at: datetime | None = None
    resolution_seconds: int | None = None
    resolution_business_seconds: int | None = None
    resolution_sla: str = ""
    reopenings: list[datetime] = field(default_factory=list)

    @property
    def first(self) -> Wait | None:
        return next((wait for wait in self.waits if wait.kind == "first"), None)


def _outcome(business: timedelta, target: timedelta | None) -> str:
    if target is None:
        return ""
    return "met" if business <= target else "missed"


def measure_request(
    *,
    created_at: datetime,
    entries: list[Entry],
    status_changes: list[StatusChange],
    resolved_at: datetime | None,
    calendar: sla.Calendar,
    paused: set[str],
    targets: Targets | None,
) -> Measured:
    """Everything the metrics need about one request. `resolved_at` is None while it is active."""
    changes = sorted(status_changes, key=lambda change: change.created_at)
    pauses = pauses_from_events(changes, paused)

    def business(start: datetime, end: datetime) -> timedelta:
        return sla.business_time_between(calendar, start, end, pauses)

    measured = Measured()
    waiting_since: datetime | None = created_at
    for entry in sorted(entries, key=lambda entry: entry.created_at):
        if entry.from_customer:
            if waiting_since is None:
                waiting_since = entry.created_at
            continue
        measured.agent_replies += 1
        if waiting_since is None:
            continue
        kind = "next" if measured.waits else "first"
        used = business(waiting_since, entry.created_at)
        target = None if targets is None else (targets.first_reply if kind == "first" else targets.next_reply)
        measured.waits.append(
            Wait(
                kind=kind,
                waited_from=waiting_since,
                replied_at=entry.created_at,
                seconds=int((entry.created_at - waiting_since).total_seconds()),
                business_seconds=int(used.total_seconds()),
                sla=_outcome(used, target),
                agent_id=entry.author_id,
            )
        )
        waiting_since = None
    measured.reopenings = [
        change.created_at for change in changes if change.old_value in RESOLVED and change.new_value in Status.active()
    ]
    if resolved_at is not None:
        used = business(created_at, resolved_at)
        measured.resolved_at = resolved_at
        measured.resolution_seconds = int((resolved_at - created_at).total_seconds())
        measured.resolution_business_seconds = int(used.total_seconds())
        measured.resolution_sla = _outcome(used, None if targets is None else targets.resolution)
    return measured
