"""Support requests: what a customer asked, the conversation, the files, the SLA and its audit trail.

Configuration (calendars, queues, request types, SLA policies, canned responses) is edited by
admins in the Wagtail admin as snippets; requests themselves are ordinary models that only the
services in `services.py` change.
"""

import uuid
from datetime import timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Orderable

from portal.text import ascii_digits
from portal.uploads import PrivateStorage, private_storage  # noqa: F401 (migrations name the class)

from . import sla
from .admin_forms import BusinessCalendarForm
from .choices import (
    CUSTOMER_STATUS,
    AlertKind,
    Channel,
    EventKind,
    FieldKind,
    Impact,
    Priority,
    SLATarget,
    Status,
    Weekday,
)
from .querysets import TicketQuerySet

REFERENCE_PREFIX = "SR-"


def validate_time_zone(value: str) -> None:
    import zoneinfo

    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as Europe/Belgrade."), params={"value": value}
        )


class BusinessCalendar(ClusterableModel):
    """When SLA clocks run: weekly working hours in a time zone, minus holidays."""

    name = models.CharField(_("name"), max_length=120)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Belgrade", validators=[validate_time_zone]
    )

    base_form_class = BusinessCalendarForm
    panels = [
        FieldPanel("name"),
        FieldPanel("time_zone"),
        InlinePanel("hours", label=_("Working hours"), heading=_("Working hours")),
        InlinePanel("holidays", label=_("Holidays"), heading=_("Holidays")),
    ]

    class Meta:
        verbose_name = _("business-hours calendar")
        verbose_name_plural = _("business-hours calendars")

    def __str__(self) -> str:
        return f"{self.name} ({self.time_zone})"

    def as_calendar(self) -> sla.Calendar:
        """The calendar for the SLA arithmetic. Uses prefetched hours/holidays when present."""
        weekly: dict[int, list[tuple[int, int]]] = {}
        for hours in self.hours.all():
            weekly.setdefault(hours.weekday, []).append(hours.minutes)
        return sla.Calendar(
            time_zone=self.time_zone,
            weekly_hours={day: tuple(intervals) for day, intervals in weekly.items()},
            holidays=frozenset(holiday.date for holiday in self.holidays.all()),
        )


class BusinessHours(Orderable):
    calendar = ParentalKey(BusinessCalendar, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"), help_text=_("00:00 means midnight at the end of the day."))

    panels = [FieldRowPanel([FieldPanel("weekday"), FieldPanel("opens"), FieldPanel("closes")])]

    class Meta(Orderable.Meta):
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")

    @property
    def minutes(self) -> tuple[int, int]:
        start = self.opens.hour * 60 + self.opens.minute
        end = self.closes.hour * 60 + self.closes.minute or sla.MINUTES_PER_DAY
        return start, end

    def clean(self):
        if self.opens is not None and self.closes is not None:
            start, end = self.minutes
            if end <= start:
                raise ValidationError({"closes": _("Closing time must be after opening time.")})


class Holiday(Orderable):
    calendar = ParentalKey(BusinessCalendar, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=120, blank=True)

    panels = [FieldRowPanel([FieldPanel("date"), FieldPanel("name")])]

    class Meta(Orderable.Meta):
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")


class Queue(models.Model):
    """A team's inbox. Requests land in the queue of their type; agents in it may be auto-assigned."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    email = models.EmailField(
        _("support address"), blank=True, help_text=_("Mail to this address opens requests here.")
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("queue lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Told when a request in this queue breaches its SLA."),
    )
    agents = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("agents"), blank=True, related_name="support_queues"
    )
    auto_assign = models.BooleanField(_("assign new requests automatically"), default=True)
    last_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("email"),
        FieldPanel("lead"),
        FieldPanel("agents"),
        FieldPanel("auto_assign"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("queue")
        verbose_name_plural = _("queues")

    def __str__(self) -> str:
        return self.name


class AgentStatus(models.Model):
    """Whether an agent takes new requests now. Away agents are skipped by auto-assignment."""

    agent = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_status")
    is_away = models.BooleanField(_("away"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agent status")
        verbose_name_plural = _("agent statuses")

    def __str__(self) -> str:
        return f"{self.agent} away={self.is_away}"


class RequestType(ClusterableModel):
    """A kind of request the customer picks (“Technical problem”, “Billing”), with its own fields."""

    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=255, blank=True)
    queue = models.ForeignKey(Queue, verbose_name=_("queue"), on_delete=models.PROTECT, related_name="request_types")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("customers can choose it"), default=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("queue"),
        FieldPanel("order"),
        FieldPanel("is_active"),
        InlinePanel("fields", label=_("Extra field"), heading=_("Extra fields")),
    ]

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("request type")
        verbose_name_plural = _("request types")

    def __str__(self) -> str:
        return self.name


class RequestTypeField(Orderable):
    """One extra question on a request type's form; the answer is kept in `Ticket.fields[key]`."""

    request_type = ParentalKey(RequestType, on_delete=models.CASCADE, related_name="fields")
    key = models.SlugField(_("key"), max_length=40, help_text=_("Stays the same when the label is translated."))
    label = models.CharField(_("label"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=FieldKind.choices, default=FieldKind.TEXT)
    required = models.BooleanField(_("required"), default=False)
    choices = models.TextField(_("choices"), blank=True, help_text=_("For a choice from a list: one per line."))
    help_text = models.CharField(_("help text"), max_length=255, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("label"), FieldPanel("key"), FieldPanel("kind"), FieldPanel("required")]),
        FieldPanel("choices"),
        FieldPanel("help_text"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("extra field")
        verbose_name_plural = _("extra fields")
        constraints = [models.UniqueConstraint(fields=["request_type", "key"], name="tickets_field_key_unique")]

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def clean(self):
        if self.kind == FieldKind.CHOICE and not self.choice_list:
            raise ValidationError({"choices": _("List at least one choice.")})


class SLAPolicy(models.Model):
    """Reply and resolution targets in business hours. The first active policy whose conditions match applies."""

    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0, help_text=_("Lower numbers are tried first."))
    is_active = models.BooleanField(_("active"), default=True)
    calendar = models.ForeignKey(BusinessCalendar, verbose_name=_("calendar"), on_delete=models.PROTECT)
    priority = models.CharField(
        _("when the priority is"), max_length=10, choices=Priority.choices, blank=True, help_text=_("Empty: any.")
    )
    request_type = models.ForeignKey(
        RequestType, verbose_name=_("when the type is"), null=True, blank=True, on_delete=models.CASCADE
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("when the organisation is"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    members_only = models.BooleanField(
        _("only for members"), default=False, help_text=_("Applies only when the customer has an active subscription.")
    )
    plans = models.ManyToManyField(
        "membership.Plan",
        verbose_name=_("for members of these plans"),
        blank=True,
        related_name="+",
        help_text=_("Requests from members of these plans get this policy, whatever the conditions above."),
    )
    first_reply_minutes = models.PositiveIntegerField(
        _("first reply within (minutes)"), validators=[MinValueValidator(1)]
    )
    next_reply_minutes = models.PositiveIntegerField(
        _("next reply within (minutes)"), validators=[MinValueValidator(1)]
    )
    resolution_minutes = models.PositiveIntegerField(_("resolve within (minutes)"), validators=[MinValueValidator(1)])

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("order"), FieldPanel("is_active")]),
        FieldPanel("calendar"),
        MultiFieldPanel(
            [
                FieldPanel("priority"),
                FieldPanel("request_type"),
                FieldPanel("organisation"),
                FieldPanel("members_only"),
                FieldPanel("plans"),
            ],
            heading=_("Applies when"),
        ),
        MultiFieldPanel(
            [FieldPanel("first_reply_minutes"), FieldPanel("next_reply_minutes"), FieldPanel("resolution_minutes")],
            heading=_("Targets (business time)"),
        ),
    ]

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return self.name

    def matches(
        self, *, priority: str, request_type_id: int | None, organisation_id: int | None, is_member: bool
    ) -> bool:
        return (
            (not self.priority or self.priority == priority)
            and (self.request_type_id is None or self.request_type_id == request_type_id)
            and (self.organisation_id is None or self.organisation_id == organisation_id)
            and (not self.members_only or is_member)
        )

    def target(self, which: str) -> timedelta:
        minutes = {
            SLATarget.FIRST_REPLY: self.first_reply_minutes,
            SLATarget.NEXT_REPLY: self.next_reply_minutes,
            SLATarget.RESOLUTION: self.resolution_minutes,
        }[which]
        return timedelta(minutes=minutes)


class CannedResponse(models.Model):
    """A reply agents reuse. Placeholders: {customer_name}, {reference}, {subject}, {agent_name}."""

    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text (Markdown)"))
    queue = models.ForeignKey(Queue, verbose_name=_("only in queue"), null=True, blank=True, on_delete=models.CASCADE)

    panels = [FieldPanel("title"), FieldPanel("queue"), FieldPanel("body")]

    class Meta:
        ordering = ["title"]
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")

    def __str__(self) -> str:
        return self.title


@register_setting(icon="help")
class SupportSettings(BaseGenericSetting):
    """Knobs the support team tunes without a deploy."""

    reopen_days = models.PositiveSmallIntegerField(
        _("days a solved request can be reopened"),
        default=7,
        help_text=_("After this, a reply from the customer starts a follow-up request that links back."),
    )
    pause_on_hold = models.BooleanField(
        _("pause SLA clocks while on hold"), default=True, help_text=_("Waiting on the customer always pauses them.")
    )
    breaching_soon_minutes = models.PositiveIntegerField(_("“breaching soon” means due within (minutes)"), default=120)
    reminder_lead_minutes = models.CharField(
        _("remind the assignee this many minutes before a breach"),
        max_length=60,
        default="60, 15",
        help_text=_("Comma-separated, e.g. 60, 15."),
    )
    max_attachment_mb = models.PositiveSmallIntegerField(_("largest file (MB)"), default=10)
    max_attachments = models.PositiveSmallIntegerField(_("files per message"), default=5)
    requests_per_hour = models.PositiveSmallIntegerField(
        _("requests one customer may file in an hour"),
        default=10,
        help_text=_("On the portal; more are refused with a message until the hour is over."),
    )
    max_attachments_by_mail = models.PositiveSmallIntegerField(
        _("files kept per e-mail"),
        default=20,
        help_text=_("Files after these are left out and named in the quarantine note."),
    )
    survey_period_days = models.PositiveSmallIntegerField(
        _("ask a customer for a rating at most once in (days)"), default=14, help_text=_("0 asks after every request.")
    )
    survey_valid_days = models.PositiveSmallIntegerField(_("rating links work for (days)"), default=14)
    survey_bad_reasons = models.TextField(
        _("reasons offered after a bad rating"),
        default="The answer did not solve my problem\nIt took too long\nThe answer was hard to understand\n"
        "I was passed around\nSomething else",
        help_text=_("One per line."),
    )

    class Meta:
        verbose_name = _("support settings")

    CACHE_KEY = "tickets:support-settings"

    @classmethod
    def current(cls) -> "SupportSettings":
        """The settings, from the cache when possible (saving them refreshes it)."""
        from django.core.cache import cache

        found = cache.get(cls.CACHE_KEY)
        if found is None:
            found = cls.load()
            cache.set(cls.CACHE_KEY, found, 3600)
        return found

    def save(self, *args, **kwargs):
        from django.core.cache import cache

        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)

    @property
    def reminder_lead_times(self) -> list[timedelta]:
        leads = []
        for part in self.reminder_lead_minutes.split(","):
            part = part.strip()
            if ascii_digits(part) and int(part) > 0:
                leads.append(timedelta(minutes=int(part)))
        return leads

    @property
    def bad_reasons(self) -> list[str]:
        return [line.strip() for line in self.survey_bad_reasons.splitlines() if line.strip()]

    def clean(self):
        parts = [part.strip() for part in self.reminder_lead_minutes.split(",") if part.strip()]
        if any(not ascii_digits(part) for part in parts):
            raise ValidationError({"reminder_lead_minutes": _("Enter whole minutes separated by commas.")})


class ReferenceSequence(models.Model):
    """The last reference number handed out. Incremented inside the filing transaction: no gaps."""

    name = models.CharField(max_length=20, primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.last}"


class TicketTag(TaggedItemBase):
    content_object = models.ForeignKey("Ticket", on_delete=models.CASCADE, related_name="tagged_items")


class Ticket(models.Model):
    """One support request. Changed only through `tickets.services`, which also write its audit trail.

    Invariants: `number` is unique and handed out without gaps; `sla_due_at` is the earliest due
    moment of the running SLA clocks (None while paused or when none runs), kept by the services.
    """

    number = models.PositiveIntegerField(_("number"), unique=True)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="support_requests"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_requests",
    )
    cc = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("CC"), blank=True, related_name="cc_support_requests"
    )
    request_type = models.ForeignKey(RequestType, verbose_name=_("type"), on_delete=models.PROTECT)
    subject = models.CharField(_("subject"), max_length=200)
    description_source = models.TextField(_("description"))
    description_html = models.TextField(editable=False)
    fields = models.JSONField(_("details"), default=dict, blank=True)
    impact = models.CharField(_("impact"), max_length=10, choices=Impact.choices, default=Impact.MINOR)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    queue = models.ForeignKey(Queue, verbose_name=_("queue"), on_delete=models.PROTECT, related_name="tickets")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_support_requests",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tags = TaggableManager(through=TicketTag, blank=True, verbose_name=_("tags"))
    sla_policy = models.ForeignKey(
        SLAPolicy, verbose_name=_("SLA policy"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("filed"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    first_replied_at = models.DateTimeField(_("first reply"), null=True, blank=True)
    awaiting_reply_since = models.DateTimeField(
        null=True, blank=True, help_text="When the customer wrote after our last public reply: the next-reply clock."
    )
    solved_at = models.DateTimeField(_("solved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    sla_due_at = models.DateTimeField(_("due"), null=True, blank=True)
    message_count = models.PositiveIntegerField(default=0)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    follow_up_of = models.ForeignKey(
        "self",
        verbose_name=_("follow-up of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    related = models.ManyToManyField("self", verbose_name=_("related requests"), blank=True, symmetrical=True)
    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The brand the customer wrote to: its name and colours are on the request's e-mails."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language the request's e-mails are written in; empty: the customer's own language."),
    )

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        indexes = [
            models.Index(fields=["requester", "-last_activity_at"], name="tickets_requester_activity"),
            models.Index(fields=["organisation", "-last_activity_at"], name="tickets_org_activity"),
            models.Index(fields=["status", "sla_due_at"], name="tickets_status_due"),
            models.Index(fields=["assignee", "status"], name="tickets_assignee_status"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("tickets:detail", kwargs={"reference": self.reference})

    @property
    def reference(self) -> str:
        return format_reference(self.number)

    @property
    def customer_status(self) -> str:
        return CUSTOMER_STATUS[Status(self.status)]

    @property
    def is_active(self) -> bool:
        return self.status in Status.active()


def format_reference(number: int) -> str:
    return f"{REFERENCE_PREFIX}{number:06d}"


def parse_reference(reference: str) -> int | None:
    """The number in `SR-000123` (case-insensitive); None for anything else."""
    reference = reference.strip().upper()
    if not reference.startswith(REFERENCE_PREFIX):
        return None
    digits = reference[len(REFERENCE_PREFIX) :]
    return int(digits) if ascii_digits(digits) and len(digits) <= 9 else None


class CCInvitation(models.Model):
    """An address the requester asked to keep informed that is not (yet) a verified account's.

    The requester is never told whether an address has an account: every address they enter is
    listed back the same way. Its owner is sent an invitation (nothing of the request itself) and
    is CC'd once they sign up and confirm that address (tickets.signals).
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="cc_invitations")
    email = models.EmailField(_("e-mail address"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    sent_at = models.DateTimeField(_("invitation sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("CC invitation")
        verbose_name_plural = _("CC invitations")
        constraints = [models.UniqueConstraint(fields=["ticket", "email"], name="tickets_cc_invitation_unique")]
        indexes = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return self.email


class Message(models.Model):
    """One entry in a request's conversation: a public reply or an internal note (agents only)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_customer = models.BooleanField(default=False)
    is_internal = models.BooleanField(_("internal note"), default=False)
    body_source = models.TextField(_("message"))
    body_html = models.TextField(editable=False)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="tickets_message_order")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_customer=True, is_internal=True), name="tickets_customer_never_internal"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: message {self.pk}"


def attachment_path(instance, filename: str) -> str:
    # A random name on disk: the original name is kept in the row and given back on download.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"support/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A file a customer or agent added. Checked by content before it is stored; private."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to=attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("tickets:attachment", kwargs={"reference": self.ticket.reference, "pk": self.pk})


class TicketEvent(models.Model):
    """The audit trail: who changed what, when. Status events also drive the SLA pauses."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    old_value = models.CharField(max_length=255, blank=True)
    new_value = models.CharField(max_length=255, blank=True)
    note = models.TextField(blank=True)
    is_public = models.BooleanField(default=False, help_text="Shown to the customer in the status history.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "kind", "created_at"], name="tickets_event_order")]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.kind} {self.new_value}"


class SLAAlert(models.Model):
    """A reminder or escalation that was sent. Unique per moment: running the check twice sends nothing twice."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_alerts")
    target = models.CharField(max_length=20, choices=SLATarget.choices)
    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    lead_minutes = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "target", "kind", "lead_minutes", "due_at"], name="tickets_alert_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.kind} {self.target}"


class EmailDirection(models.TextChoices):
    IN = "in", _("received")
    OUT = "out", _("sent")


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed, will be retried")


class TicketEmail(models.Model):
    """One e-mail of a request's thread, by its Message-ID: what we sent, and what came in.

    Outgoing rows are written before sending and marked sent after, so a failed send is retried
    (`manage.py send_request_emails`) and the reply itself, stored already, is never lost."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="emails")
    entry = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails")
    message_id = models.CharField(max_length=255, unique=True)
    direction = models.CharField(max_length=3, choices=EmailDirection.choices)
    event = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.SENT)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)  # when a sender took it (status SENDING)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="tickets_email_pending")]

    def __str__(self) -> str:
        return self.message_id


class InboundStatus(models.TextChoices):
    PROCESSED = "processed", _("processed")
    IGNORED = "ignored", _("ignored (auto-reply, bounce or loop)")
    QUARANTINED = "quarantined", _("quarantined")


class InboundEmail(models.Model):
    """Every message that reached us, kept as received. Quarantined ones wait for an admin."""

    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    raw = models.BinaryField(_("message as received"))
    sender = models.CharField(_("from"), max_length=255, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=InboundStatus.choices)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("incoming e-mail")
        verbose_name_plural = _("incoming e-mail")
        constraints = [
            models.UniqueConstraint(
                fields=["message_id"], condition=~Q(message_id=""), name="tickets_inbound_once_per_message_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sender}: {self.subject}"


class Rating(models.TextChoices):
    GOOD = "good", _("Good, I'm satisfied")
    BAD = "bad", _("Bad, I'm unsatisfied")


class SatisfactionSurvey(models.Model):
    """ "How would you rate the support you received?" for one solved request, answered once."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="survey")
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="surveys")
    asked_at = models.DateTimeField(default=timezone.now)
    rating = models.CharField(_("rating"), max_length=4, choices=Rating.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=120, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at"]
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        indexes = [models.Index(fields=["customer", "-asked_at"], name="tickets_survey_customer")]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.rating or '?'}"
