from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("everyone")
    CUSTOMERS = "customers", _("signed-in customers")
    MEMBERS = "members", _("members (subscribers)")


class CalloutKind(models.TextChoices):
    TIP = "tip", _("Tip")
    NOTE = "note", _("Note")
    WARNING = "warning", _("Warning")


class FeedbackReason(models.TextChoices):
    OUTDATED = "outdated", _("It is outdated")
    UNCLEAR = "unclear", _("It is unclear")
    INCOMPLETE = "incomplete", _("Something is missing")
    UNSOLVED = "unsolved", _("It didn't solve my problem")


class ReviewTaskStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")
