"""Personal access tokens, idempotent requests, and webhook subscriptions with their deliveries."""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "pat_"  # noqa: S105 (a marker, not a secret)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class PersonalTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, person__is_active=True)


class PersonalToken(models.Model):
    """A token a person makes in /me/ for their scripts: it acts as them, within its scopes.

    Only a SHA-256 digest is kept; the token itself is shown once, when it is made."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="personal_tokens"
    )
    name = models.CharField(_("name"), max_length=80)
    hint = models.CharField(_("starts with"), max_length=12, help_text="The first characters, to tell tokens apart.")
    token_digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("made"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = PersonalTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("personal access token")
        verbose_name_plural = _("personal access tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def make(cls, *, person, name: str, scopes: list[str], days: int) -> tuple["PersonalToken", str]:
        """A new token and its secret (shown once)."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            person=person,
            name=name,
            hint=secret[:10],
            token_digest=digest(secret),
            scopes=sorted(set(scopes)),
            expires_at=timezone.now() + timezone.timedelta(days=days),
        )
        return token, secret

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class IdempotentRequest(models.Model):
    """A create sent with an Idempotency-Key: the answer is kept, so a retry gets it again and
    creates nothing twice."""

    caller = models.CharField(max_length=80, help_text="Whose key: a person, a token or an application.")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="Method, path and body, hashed.")
    status = models.PositiveSmallIntegerField(null=True, help_text="Empty while the first request runs.")
    body = models.JSONField(null=True, encoder=DjangoJSONEncoder)
    location = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["caller", "key"], name="api_idempotency_once")]

    def __str__(self) -> str:
        return f"{self.caller} {self.key}"


def https_only(value: str) -> None:
    if not value.lower().startswith("https://") and not getattr(settings, "PORTAL_WEBHOOKS_ALLOW_HTTP", False):
        raise ValidationError(_("Webhooks are sent only to https:// addresses."))


class WebhookEndpoint(models.Model):
    """An address that receives the events it subscribed to, signed with its secret."""

    url = models.URLField(_("address"), max_length=500, validators=[https_only])
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list, help_text=_("The event types sent here."))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="webhooks"
    )
    secret = models.CharField(max_length=80, editable=False)
    previous_secret = models.CharField(max_length=80, blank=True, editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    paused_at = models.DateTimeField(_("paused"), null=True, blank=True, help_text=_("Failing for a day."))
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.url

    def save(self, *args, **kwargs):
        if not self.secret:
            self.secret = "whsec_" + secrets.token_urlsafe(32)
        super().save(*args, **kwargs)

    def secrets_in_use(self, now=None) -> list[str]:
        """The secrets a delivery is signed with: the current one, and the previous one while it overlaps."""
        now = now or timezone.now()
        keys = [self.secret]
        if self.previous_secret and self.previous_secret_until and self.previous_secret_until > now:
            keys.append(self.previous_secret)
        return keys


class WebhookEvent(models.Model):
    """Something that happened, as the API shows it, once; each subscribed endpoint gets a delivery."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=60, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"

    def body(self) -> dict:
        return {"id": str(self.id), "type": self.type, "created_at": self.created_at.isoformat(), "data": self.data}


class WebhookDelivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Gave up")

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-event__created_at"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [models.UniqueConstraint(fields=["event", "endpoint"], name="api_delivery_once")]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.endpoint_id}: {self.state}"
