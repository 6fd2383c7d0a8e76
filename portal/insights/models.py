"""Facts about each support request, kept beside it so that every metric is an aggregate in SQL.

Business time cannot be summed by a database: it depends on the request's calendar, holidays and
pauses. So each request's durations are measured once, in Python, whenever the request changes
(`services.refresh_facts`), and stored here; the metrics (`metrics.py`) only count, average and
take percentiles of these columns. The slicing dimensions are copied so that no metric joins the
request table.
"""

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _


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
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("request facts")
        verbose_name_plural = _("request facts")
        permissions = [("view_all_insights", _("See the insights of every queue and agent"))]

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
