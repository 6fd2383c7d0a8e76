"""Everything that changes the community, by concern. Views parse input and call one of these.

Each function runs in a transaction, keeps the denormalised counters (replies, votes, last
activity) with `F()` updates, and tells people what they should know after commit.
"""

from .base import (
    DOWNVOTE_POINTS,
    IMAGE_MAX_BYTES,
    MAX_TAGS,
    POINTS,
    RATE_LIMITS,
    REPUTATION_PREFIX,
    VIEW_FLUSH_EVERY,
    CommunityError,
    RateLimited,
    _log,
    handle_urls,
    profile_for,
    rules,
)
from .images import upload_image, with_image
from .moderation import (
    approve_post,
    dismiss_flags,
    flag_post,
    hide_post,
    merge_topics,
    move_topic,
    sanction,
    set_topic_flag,
)
from .people import REPUTATION_LEVELS, record_reading, record_topic_view, reputation, reputation_level, set_watch
from .standing import check_badges, compute_trust_level, grant_badge, refresh_trust_level
from .voting import accept_solution, set_idea_status, vote
from .writing import delete_post, edit_post, notify_about_post, reply, start_topic

__all__ = [
    "DOWNVOTE_POINTS",
    "IMAGE_MAX_BYTES",
    "MAX_TAGS",
    "POINTS",
    "RATE_LIMITS",
    "REPUTATION_LEVELS",
    "REPUTATION_PREFIX",
    "VIEW_FLUSH_EVERY",
    "CommunityError",
    "RateLimited",
    "_log",
    "accept_solution",
    "approve_post",
    "check_badges",
    "compute_trust_level",
    "delete_post",
    "dismiss_flags",
    "edit_post",
    "flag_post",
    "grant_badge",
    "handle_urls",
    "hide_post",
    "merge_topics",
    "move_topic",
    "notify_about_post",
    "profile_for",
    "record_reading",
    "record_topic_view",
    "refresh_trust_level",
    "reply",
    "reputation",
    "reputation_level",
    "rules",
    "sanction",
    "set_idea_status",
    "set_topic_flag",
    "set_watch",
    "start_topic",
    "upload_image",
    "vote",
    "with_image",
]
