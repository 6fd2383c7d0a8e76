from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailFrequency(models.TextChoices):
    IMMEDIATE = "immediate", _("right away")
    NEVER = "never", _("never (only in the notification centre)")
