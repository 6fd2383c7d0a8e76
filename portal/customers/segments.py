"""The segments a person is in now (shown on their customer page and used to aim offers)."""

from __future__ import annotations

from dataclasses import dataclass

from .models import CustomerScore


@dataclass(frozen=True)
class Segments:
    score: CustomerScore | None
    profiling_allowed: bool

    @property
    def group(self):
        return self.score.group if self.score else None


def current_segments(person) -> Segments:
    from portal.privacy.consent import PROFILING, allows

    allowed = allows(person, PROFILING)
    score = CustomerScore.objects.select_related("group").filter(person=person).first() if allowed else None
    return Segments(score=score, profiling_allowed=allowed)
