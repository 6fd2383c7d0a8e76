"""Rule segments' members, kept current by a scheduled task, and the segments a person is in now."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import CustomerScore, Segment, SegmentChange, SegmentMember

BATCH = 2000


@dataclass(frozen=True)
class Segments:
    score: CustomerScore | None
    profiling_allowed: bool
    rule_segments: list = field(default_factory=list)

    @property
    def group(self):
        return self.score.group if self.score else None

    @property
    def codes(self) -> set[str]:
        """Every segment the person is in: rule segments by code, the RFM group as "rfm:<code>"."""
        found = {segment.code for segment in self.rule_segments}
        if self.group is not None:
            found.add(f"rfm:{self.group.code}")
        return found


def current_segments(person) -> Segments:
    from portal.privacy.consent import PROFILING, allows

    if not getattr(person, "is_authenticated", False):
        return Segments(score=None, profiling_allowed=False)
    allowed = allows(person, PROFILING)
    if not allowed:
        return Segments(score=None, profiling_allowed=False)
    score = CustomerScore.objects.select_related("group").filter(person=person).first()
    rule_segments = list(Segment.objects.filter(is_active=True, members__person=person).order_by("name"))
    return Segments(score=score, profiling_allowed=True, rule_segments=rule_segments)


def refresh(segment: Segment, *, now: datetime | None = None) -> tuple[int, int]:
    """Bring one segment's members up to date; returns (joined, left). Safe to run twice."""
    now = now or timezone.now()
    wanted = set(segment.people(now=now).values_list("pk", flat=True).iterator(chunk_size=BATCH))
    if not segment.is_active:
        wanted = set()
    held = set(SegmentMember.objects.filter(segment=segment).values_list("person_id", flat=True))
    joining, leaving = sorted(wanted - held), sorted(held - wanted)
    with transaction.atomic():
        for start in range(0, len(joining), BATCH):
            chunk = joining[start : start + BATCH]
            SegmentMember.objects.bulk_create(
                [SegmentMember(segment=segment, person_id=pk, since=now) for pk in chunk], ignore_conflicts=True
            )
            SegmentChange.objects.bulk_create(
                [SegmentChange(segment=segment, person_id=pk, joined=True, at=now) for pk in chunk]
            )
        for start in range(0, len(leaving), BATCH):
            chunk = leaving[start : start + BATCH]
            SegmentMember.objects.filter(segment=segment, person_id__in=chunk).delete()
            SegmentChange.objects.bulk_create(
                [SegmentChange(segment=segment, person_id=pk, joined=False, at=now) for pk in chunk]
            )
        Segment.objects.filter(pk=segment.pk).update(size=len(wanted), refreshed_at=now)
    return len(joining), len(leaving)


def refresh_all(*, now: datetime | None = None) -> dict[str, tuple[int, int]]:
    return {segment.code: refresh(segment, now=now) for segment in Segment.objects.order_by("pk")}


def forget(person) -> int:
    """Take `person` out of every rule segment now (their profiling consent was withdrawn)."""
    now = timezone.now()
    with transaction.atomic():
        held = list(SegmentMember.objects.filter(person=person).values_list("segment_id", flat=True))
        SegmentMember.objects.filter(person=person).delete()
        SegmentChange.objects.bulk_create(
            [SegmentChange(segment_id=pk, person=person, joined=False, at=now) for pk in held]
        )
        for pk in held:
            Segment.objects.filter(pk=pk, size__gt=0).update(size=F("size") - 1)
    return len(held)
