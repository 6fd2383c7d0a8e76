"""Facts about each support request, kept beside it so that every metric is an aggregate in SQL.

Business time cannot be summed by a database: it depends on the request's calendar, holidays and
pauses. So each request's durations are measured once, in Python, whenever the request changes
(`services.refresh_facts`), and stored here; the metrics (`metrics.py`) only count, average and
take percentiles of these columns. The slicing dimensions are copied so that no metric joins the
request table.
"""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


class SLAOutcome(models.TextChoices):
    MET = "met", _("Met")
    MISSED = "missed", _("Missed")


class RequestFacts(models.Model):
    """One support request as the metrics see it. Merged requests are not measured (no row)."""

    ticket = models.OneToOneField("tickets.Ticket", primary_key=True, on_delete=models.CASCADE, related_name="facts")
    created_at = models.DateTimeField(db_index=True)
    # What the metrics slice by.
    queue_id = models.IntegerField(db_index=True)
    assignee_id = models.IntegerField(null=True, db_index=True)
    request_type_id = models.IntegerField()
    priority = models.CharField(max_length=10)
    channel = models.CharField(max_length=10)
    organisation_id = models.IntegerField(null=True)
    requester_id = models.IntegerField()
    product = models.CharField(max_length=120, blank=True)
    plan_id = models.IntegerField(null=True)
    # Replies and outcome.
    first_reply_at = models.DateTimeField(null=True)
    first_reply_seconds = models.PositiveIntegerField(null=True, help_text="Calendar time to the first public reply.")
    first_reply_business_seconds = models.PositiveIntegerField(null=True)
    first_reply_sla = models.CharField(max_length=6, choices=SLAOutcome.choices, blank=True)
    agent_replies = models.PositiveIntegerField(default=0, help_text="Public replies by the support team.")
    resolved_at = models.DateTimeField(null=True, db_index=True, help_text="Last solved (or closed) moment.")
    resolution_seconds = models.PositiveIntegerField(null=True)
    resolution_business_seconds = models.PositiveIntegerField(null=True)
    resolution_sla = models.CharField(max_length=6, choices=SLAOutcome.choices, blank=True)
    reopens = models.PositiveIntegerField(default=0)
    # The request's satisfaction survey, copied so CSAT is read from here like every other figure.
    survey_asked_at = models.DateTimeField(null=True, db_index=True)
    rating = models.CharField(max_length=4, blank=True)
    rating_reason = models.CharField(max_length=120, blank=True)
    rated_at = models.DateTimeField(null=True, db_index=True)
    #: The newest TicketEvent measured: a later refresh for an older event has nothing new to read.
    last_event_id = models.BigIntegerField(null=True)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("request facts")
        verbose_name_plural = _("request facts")
        permissions = [("view_all_insights", _("See the insights of every queue and agent"))]
        indexes = [
            # The backlog: requests still open are few, whatever the history.
            models.Index(
                fields=["created_at"],
                include=["queue_id", "assignee_id"],
                condition=Q(resolved_at__isnull=True),
                name="insights_facts_open",
            ),
            # The reasons given for "bad": a few rows among every rating.
            models.Index(
                fields=["rated_at"],
                include=["rating_reason", "queue_id", "assignee_id"],
                condition=Q(rating="bad"),
                name="insights_facts_rated_bad",
            ),
        ]

    def __str__(self) -> str:
        return str(self.ticket_id)

    @property
    def first_reply_business(self) -> timedelta | None:
        seconds = self.first_reply_business_seconds
        return None if seconds is None else timedelta(seconds=seconds)


class ReplyFacts(models.Model):
    """One wait for the support team: from the customer's message (or the filing) to our public reply.

    `kind` is "first" for the first reply of a request and "next" for each later one; a wait that
    has not been answered has no row yet.
    """

    class Kind(models.TextChoices):
        FIRST = "first", _("First reply")
        NEXT = "next", _("Next reply")

    request = models.ForeignKey(RequestFacts, on_delete=models.CASCADE, related_name="replies")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    waited_from = models.DateTimeField()
    replied_at = models.DateTimeField(db_index=True)
    seconds = models.PositiveIntegerField()
    business_seconds = models.PositiveIntegerField()
    sla = models.CharField(max_length=6, choices=SLAOutcome.choices, blank=True)
    # Who answered, and the request's dimensions copied, so a reply metric needs no join.
    agent_id = models.IntegerField(null=True, db_index=True)
    queue_id = models.IntegerField()
    priority = models.CharField(max_length=10)
    channel = models.CharField(max_length=10)

    class Meta:
        ordering = ["replied_at"]
        indexes = [models.Index(fields=["kind", "replied_at"], name="insights_reply_kind_time")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind} {self.replied_at}"


class ReopenFacts(models.Model):
    """One reopening of a solved or closed request, kept with its moment so reopens count per period."""

    request = models.ForeignKey(RequestFacts, on_delete=models.CASCADE, related_name="reopenings")
    reopened_at = models.DateTimeField(db_index=True)
    queue_id = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.request_id} {self.reopened_at}"


class FilingStart(models.Model):
    """A browser session opened the form to file a support request: the denominator of deflection.

    Recorded once per session and day (tickets.signals.filing_started)."""

    session_key = models.CharField(max_length=40)
    day = models.DateField()
    started_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session_key", "day"], name="insights_filing_start_once_a_day")]

    def __str__(self) -> str:
        return f"{self.session_key} {self.day}"


@register_setting(icon="table")
class InsightsSettings(BaseGenericSetting):
    """When customers are asked how likely they are to recommend us (NPS)."""

    nps_enabled = models.BooleanField(_("ask customers the NPS question"), default=True)
    nps_period_days = models.PositiveSmallIntegerField(
        _("ask one person at most once in (days)"), default=90, validators=[MinValueValidator(7)]
    )
    nps_activity_days = models.PositiveSmallIntegerField(
        _("ask after a request solved or a renewal within (days)"), default=14, validators=[MinValueValidator(1)]
    )
    nps_membership_days = models.PositiveSmallIntegerField(
        _("ask members after (days of membership)"), default=30, validators=[MinValueValidator(1)]
    )
    nps_valid_days = models.PositiveSmallIntegerField(
        _("answer links work for (days)"), default=14, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("insights settings")


class NPSTrigger(models.TextChoices):
    SOLVED_REQUEST = "solved_request", _("A request was solved")
    RENEWAL = "renewal", _("A renewal was paid")
    MEMBERSHIP = "membership", _("Member for a while")


class NPSSurvey(models.Model):
    """ "How likely are you to recommend us to a friend or colleague?" asked of one person once.

    The first answer counts. The context (plan, tier, product, last request) is kept as it was
    when asking, so answers can be sliced by it later.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="nps_surveys"
    )
    trigger = models.CharField(_("asked because"), max_length=20, choices=NPSTrigger.choices)
    asked_at = models.DateTimeField(_("asked"), default=timezone.now, db_index=True)
    score = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    comment = models.TextField(_("why"), blank=True, max_length=2000)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True, db_index=True)
    plan_id = models.IntegerField(null=True, blank=True)
    tier = models.CharField(_("tier"), max_length=60, blank=True)
    product = models.CharField(_("product"), max_length=120, blank=True)
    last_request = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("last request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    follow_up = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("follow-up"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-asked_at"]
        verbose_name = _("NPS survey")
        verbose_name_plural = _("NPS surveys")
        indexes = [models.Index(fields=["person", "-asked_at"], name="insights_nps_person")]
        constraints = [
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__lte=10), name="insights_nps_score_0_10")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.score if self.score is not None else '?'}"

    @property
    def group(self) -> str:
        """promoter (9–10), passive (7–8) or detractor (0–6); "" before an answer."""
        if self.score is None:
            return ""
        return "promoter" if self.score >= 9 else "passive" if self.score >= 7 else "detractor"


class SummarySent(models.Model):
    """The weekly summary of one queue went to its lead: sent once per queue and week."""

    queue = models.ForeignKey("tickets.Queue", on_delete=models.CASCADE, related_name="+")
    week = models.DateField(help_text="The Monday the summarised week starts on.")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["queue", "week"], name="insights_summary_once_a_week")]

    def __str__(self) -> str:
        return f"{self.queue_id} {self.week}"


class RolledMonth(models.Model):
    """One whole month summed into the rollups (rollups.py); stale when a request measured in it
    changed since, so it is summed again before it is read."""

    month = models.DateField(unique=True, help_text="The first day of the month, in the portal's time zone.")
    stale = models.BooleanField(default=False)
    rolled_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}{' (stale)' if self.stale else ''}"


class RollupCounts(models.Model):
    """What one month counts for one queue and agent: request figures by the request's assignee,
    reply figures by the reply's author (the same meaning as the slices of metrics.py)."""

    month = models.DateField()
    queue_id = models.IntegerField()
    agent_id = models.IntegerField(null=True)
    created = models.PositiveIntegerField(default=0)
    solved = models.PositiveIntegerField(default=0)
    reopened_solved = models.PositiveIntegerField(default=0, help_text="Solved in the month and reopened ever.")
    first_contact = models.PositiveIntegerField(default=0)
    resolution_met = models.PositiveIntegerField(default=0)
    resolution_missed = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    good = models.PositiveIntegerField(default=0)
    asked = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0, help_text="Asked in the month and answered.")
    first_replies = models.PositiveIntegerField(default=0)
    first_met = models.PositiveIntegerField(default=0)
    first_missed = models.PositiveIntegerField(default=0)
    next_replies = models.PositiveIntegerField(default=0)
    next_met = models.PositiveIntegerField(default=0)
    next_missed = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["month", "queue_id"], name="insights_rollup_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.queue_id} {self.agent_id}"


class RollupHistogram(models.Model):
    """How many durations of one measure (first reply, resolution…, calendar or business) fell in
    one logarithmic bucket in one month, for one queue and agent."""

    month = models.DateField()
    queue_id = models.IntegerField()
    agent_id = models.IntegerField(null=True)
    measure = models.CharField(max_length=20)
    bucket = models.PositiveSmallIntegerField()
    n = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["measure", "month"], name="insights_histogram_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.measure} {self.bucket}: {self.n}"
