"""The badges a fresh community starts with. Names are translated where they are shown."""

from django.utils.translation import gettext_noop

from .choices import BadgeRule

#: (slug, name, description, rule, threshold, points)
DEFAULT_BADGES = [
    ("first-post", gettext_noop("First post"), gettext_noop("Wrote a first post."), BadgeRule.FIRST_POST, 1, 0),
    (
        "conversation-starter",
        gettext_noop("Conversation starter"),
        gettext_noop("Started a first topic."),
        BadgeRule.TOPICS,
        1,
        0,
    ),
    (
        "solution",
        gettext_noop("Solution"),
        gettext_noop("A reply was accepted as the solution."),
        BadgeRule.ACCEPTED,
        1,
        5,
    ),
    (
        "problem-solver",
        gettext_noop("Problem solver"),
        gettext_noop("Ten replies accepted as solutions."),
        BadgeRule.ACCEPTED,
        10,
        50,
    ),
    ("helpful", gettext_noop("Helpful"), gettext_noop("Posts upvoted 10 times."), BadgeRule.HELPFUL, 10, 10),
    (
        "very-helpful",
        gettext_noop("Very helpful"),
        gettext_noop("Posts upvoted 100 times."),
        BadgeRule.HELPFUL,
        100,
        50,
    ),
    ("regular", gettext_noop("Regular"), gettext_noop("Reached trust level 3."), BadgeRule.TRUST, 3, 20),
]


def create_default_badges(badge_model) -> None:
    for slug, name, description, rule, threshold, points in DEFAULT_BADGES:
        badge_model.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "description": description, "rule": rule, "threshold": threshold, "points": points},
        )
