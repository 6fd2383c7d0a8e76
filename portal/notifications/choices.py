from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailFrequency(models.TextChoices):
    IMMEDIATE = "immediate", _("right away")
    DAILY = "daily", _("once a day, in one e-mail")
    WEEKLY = "weekly", _("once a week, in one e-mail")
    NEVER = "never", _("never (only in the notification centre)")
