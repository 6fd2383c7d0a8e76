"""How much a result weighs besides its words: one number per document (`boost`), the same for
both backends (the database multiplies its rank by it; Elasticsearch's function_score does too).

Titles already weigh more than the text (their own weight in the index, `title^3` in Elasticsearch);
these add what the words cannot say, tunable in settings.PORTAL_SEARCH_BOOSTS:

- a promoted article (editors' choice) is raised;
- an article readers found helpful is raised, one they did not is lowered (after a few votes);
- a solved community topic is raised; a topic nobody has touched for a long time sinks slowly,
  down to a floor (it is measured when the topic is indexed, which each new post does).
"""

from datetime import datetime

from django.conf import settings
from django.utils import timezone

DEFAULTS = {
    "promoted": 1.3,
    "helpful": 0.3,  # ± this much at 100 % / 0 % helpful
    "helpful_min_votes": 5,
    "solved": 1.2,
    "stale_after_days": 365,  # a topic idle this long has sunk to the floor
    "stale_floor": 0.7,
}


def boosts() -> dict:
    return {**DEFAULTS, **getattr(settings, "PORTAL_SEARCH_BOOSTS", {})}


def article_boost(*, promoted: bool, helpful_votes: int, votes: int) -> float:
    weights = boosts()
    boost = weights["promoted"] if promoted else 1.0
    if votes >= weights["helpful_min_votes"]:
        boost *= 1 + weights["helpful"] * (2 * helpful_votes / votes - 1)
    return round(boost, 4)


def topic_boost(*, solved: bool, last_activity_at: datetime | None, now: datetime | None = None) -> float:
    weights = boosts()
    boost = weights["solved"] if solved else 1.0
    if last_activity_at is not None:
        idle_days = max(((now or timezone.now()) - last_activity_at).days, 0)
        share = min(idle_days / weights["stale_after_days"], 1.0)
        boost *= 1 - share * (1 - weights["stale_floor"])
    return round(boost, 4)
