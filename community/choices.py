from django.db import models
from django.utils.translation import gettext_lazy as _


class CategoryKind(models.TextChoices):
    QUESTIONS = "questions", _("Questions and answers")
    TIPS = "tips", _("Tips and tricks")
    IDEAS = "ideas", _("Ideas")
    ANNOUNCEMENTS = "announcements", _("Announcements")


class Audience(models.TextChoices):
    """Who may read a category (and so its topics)."""

    EVERYONE = "everyone", _("Everyone")
    SIGNED_IN = "customers", _("Signed-in customers")
    MEMBERS = "members", _("Members")


class Posting(models.TextChoices):
    """Who may start topics and reply in a category."""

    SIGNED_IN = "signed_in", _("Everyone signed in")
    MEMBERS = "members", _("Members only")
    STAFF = "staff", _("Staff only")


class IdeaStatus(models.TextChoices):
    NONE = "", _("New")
    UNDER_REVIEW = "under_review", _("Under review")
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    DECLINED = "declined", _("Declined")


class PostState(models.TextChoices):
    PUBLISHED = "published", _("Published")
    PENDING = "pending", _("Waiting for a moderator")
    HIDDEN = "hidden", _("Hidden")
    DELETED = "deleted", _("Deleted")


class FlagReason(models.TextChoices):
    SPAM = "spam", _("Spam")
    OFF_TOPIC = "off_topic", _("Off-topic")
    INAPPROPRIATE = "inappropriate", _("Inappropriate")
    OTHER = "other", _("Something else")


class FlagResolution(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class WatchLevel(models.TextChoices):
    WATCHING = "watching", _("Watching")
    NORMAL = "normal", _("Normal")
    MUTED = "muted", _("Muted")


class WordAction(models.TextChoices):
    BLOCK = "block", _("Block the post")
    CENSOR = "censor", _("Replace with asterisks")
    REQUIRE_APPROVAL = "approve", _("Hold for a moderator")


class ModerationAction(models.TextChoices):
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")
    HIDE = "hide", _("Hidden")
    UNHIDE = "unhide", _("Shown again")
    LOCK = "lock", _("Locked")
    UNLOCK = "unlock", _("Unlocked")
    PIN = "pin", _("Pinned")
    UNPIN = "unpin", _("Unpinned")
    MOVE = "move", _("Moved")
    MERGE = "merge", _("Merged")
    SILENCE = "silence", _("Silenced")
    SUSPEND = "suspend", _("Suspended")
    RESTORE = "restore", _("Restored")
    FLAG_UPHELD = "flag_upheld", _("Flag upheld")
    FLAG_DISMISSED = "flag_dismissed", _("Flag dismissed")
    IDEA_STATUS = "idea_status", _("Idea status changed")
    ESCALATE = "escalate", _("Escalated to support")
    PROMOTE = "promote", _("Promoted to an article")
    BADGE = "badge", _("Badge granted")


class BadgeRule(models.TextChoices):
    MANUAL = "manual", _("Granted by hand")
    FIRST_POST = "first_post", _("Posts written")
    ACCEPTED = "accepted", _("Accepted solutions")
    HELPFUL = "helpful", _("Upvotes received")
    TOPICS = "topics", _("Topics started")
    TRUST = "trust", _("Trust level reached")


class PointsReason(models.TextChoices):
    """Why community points were given; the ledger's `reason` for community lines."""

    UPVOTE = "upvote", _("Upvote received")
    ACCEPTED = "accepted", _("Accepted solution")
    FAST_REPLY = "fast_reply", _("First reply within 24 hours")
    TOPIC = "topic", _("Topic started")
    BADGE = "badge", _("Badge earned")
