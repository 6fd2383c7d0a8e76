"""Consent: the purposes a person may agree to, and an append-only ledger of what they said.

A purpose (`Purpose`) is defined by admins with a text in each language and a version; raising
the version asks everyone again. The ledger (`ConsentEvent`) is never updated or deleted: each
grant or withdrawal is a new row with when, how and from which address. A person's current
consent to a purpose is their newest row for it, and counts only for the purpose's current
version. Required purposes (service e-mails) are part of having an account and are not asked.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import TranslatableMixin

from portal.uploads import private_storage


class Purpose(TranslatableMixin, models.Model):
    """What a consent is for. The code stays the same in every language and every version."""

    code = models.SlugField(_("code"), max_length=40, help_text=_("Stays the same when the text is translated."))
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("what it means"))
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raise it when the text changes in substance: everyone is asked again.")
    )
    required = models.BooleanField(
        _("required"), default=False, help_text=_("Part of having an account (service e-mails); never asked.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    panels = [
        FieldPanel("code"),
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("version"),
        FieldPanel("required"),
        FieldPanel("order"),
        FieldPanel("is_active"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["order", "pk"]
        verbose_name = _("consent purpose")
        verbose_name_plural = _("consent purposes")
        constraints = [models.UniqueConstraint(fields=["code", "locale"], name="privacy_purpose_code_per_locale")]

    def __str__(self) -> str:
        return self.name


class ConsentHow(models.TextChoices):
    SIGNUP = "signup", _("Sign-up form")
    ACCOUNT = "account", _("Privacy page (/me/privacy/)")
    EMAIL_LINK = "email_link", _("Link in an e-mail")
    AGENT = "agent", _("Agent, on the person's word")
    IMPORT = "import", _("Import")


class ConsentEvent(models.Model):
    """One grant or withdrawal. Append-only: saving an existing row or deleting one is refused."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="consent_events"
    )
    purpose = models.CharField(_("purpose"), max_length=40, db_index=True)
    version = models.PositiveIntegerField(_("version"))
    granted = models.BooleanField(_("granted"))
    how = models.CharField(_("how"), max_length=12, choices=ConsentHow.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        indexes = [models.Index(fields=["person", "purpose", "-at"], name="privacy_consent_latest")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.purpose} v{self.version}: {'yes' if self.granted else 'no'}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("The consent ledger is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("The consent ledger is append-only.")


class AccessRecord(models.Model):
    """A staff member opened a person's data as a whole (the customer page): who, whose, when.
    Append-only, like the consent ledger; an audit of staff access, not a log of every request."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    what = models.CharField(_("what"), max_length=60)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("staff access")
        verbose_name_plural = _("staff access")
        indexes = [models.Index(fields=["person", "-at"], name="privacy_access_person")]

    def __str__(self) -> str:
        return f"{self.viewer_id} opened {self.what} of {self.person_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("The access record is append-only.")
        super().save(*args, **kwargs)


def export_path(instance, filename: str) -> str:
    return f"privacy/exports/{instance.key}.zip"


class DataExport(models.Model):
    """One person's request for a copy of their data: built in the background, downloaded once.

    The link works for `VALID_DAYS`, once, and only for the person it was made for (signed in).
    """

    VALID_DAYS = 7

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        DOWNLOADED = "downloaded", _("Downloaded")
        EXPIRED = "expired", _("Expired")

    key = models.UUIDField(unique=True, editable=False)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="data_exports"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("downloaded"), null=True, blank=True)
    file = models.FileField(storage=private_storage, upload_to=export_path, max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")

    def __str__(self) -> str:
        return f"{self.person_id} {self.requested_at:%Y-%m-%d}"

    @property
    def expires_at(self):
        from datetime import timedelta

        return (self.ready_at or self.requested_at) + timedelta(days=self.VALID_DAYS)


@register_setting(icon="lock")
class RetentionSettings(BaseGenericSetting):
    """How long the portal keeps what it no longer needs. `apply_retention` (daily) deletes what is
    older; 0 keeps it for ever."""

    closed_request_files_days = models.PositiveIntegerField(
        _("files of solved and closed requests (days after closing)"), default=365
    )
    incoming_mail_days = models.PositiveIntegerField(
        _("incoming e-mail as received, once processed or ignored (days)"), default=90
    )
    search_log_days = models.PositiveIntegerField(_("searches people ran (days)"), default=180)
    erasure_grace_days = models.PositiveIntegerField(
        _("days between asking to delete an account and deleting it"), default=14
    )
    erase_post_text = models.BooleanField(
        _("remove the text of a deleted account's community posts"),
        default=False,
        help_text=_("Off: posts keep their text under “Former member”, so threads stay readable."),
    )
    unverified_account_days = models.PositiveIntegerField(
        _("accounts whose e-mail address was never confirmed (days after sign-up)"), default=30
    )

    class Meta:
        verbose_name = _("retention settings")


class ErasureRequest(models.Model):
    """Someone asked to delete their account: done after the grace period unless cancelled."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="erasure_requests"
    )
    cancel_key = models.UUIDField(unique=True, editable=False)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    due_at = models.DateTimeField(_("due"))
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    done_at = models.DateTimeField(_("erased"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")

    def __str__(self) -> str:
        return f"{self.person_id} {self.due_at:%Y-%m-%d}"

    @property
    def is_pending(self) -> bool:
        return self.cancelled_at is None and self.done_at is None


class DataSubjectRequest(models.Model):
    """A person's request under data-protection law, however it reached us, with its deadline.

    Requests made on the portal (a download, a deletion) are recorded here by themselves; staff add
    those that came by phone, mail or in person (admin → Privacy → Data-subject requests), and
    saving one that asks for a copy or a deletion starts it for the person.
    """

    DEADLINE_DAYS = 30

    class Kind(models.TextChoices):
        EXPORT = "export", _("A copy of their data")
        ERASURE = "erasure", _("Deleting their account")
        CORRECTION = "correction", _("Correcting their data")

    class Channel(models.TextChoices):
        PORTAL = "portal", _("On the portal")
        PHONE = "phone", _("By phone")
        MAIL = "mail", _("By mail or e-mail")
        IN_PERSON = "in_person", _("In person")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="data_requests"
    )
    kind = models.CharField(_("asks for"), max_length=12, choices=Kind.choices)
    channel = models.CharField(_("came"), max_length=12, choices=Channel.choices, default=Channel.PHONE)
    note = models.TextField(
        _("note"), blank=True, help_text=_("What they asked for, in their words; how you checked it was them.")
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    due_at = models.DateTimeField(_("answer by"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)

    panels = [
        FieldPanel("person"),
        FieldPanel("kind"),
        FieldPanel("channel"),
        FieldPanel("note"),
        FieldPanel("status"),
    ]

    class Meta:
        ordering = ["status", "due_at"]
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.person}"

    def save(self, *args, **kwargs):
        from datetime import timedelta

        if self.due_at is None:
            self.due_at = self.received_at + timedelta(days=self.DEADLINE_DAYS)
        super().save(*args, **kwargs)

    @property
    def is_late(self) -> bool:
        return self.status == self.Status.OPEN and timezone.now() > self.due_at
