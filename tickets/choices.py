"""Statuses, priorities, impacts and channels of support requests."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    WAITING_ON_CUSTOMER = "waiting", _("Waiting on customer")
    ON_HOLD = "on_hold", _("On hold")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")

    @classmethod
    def active(cls) -> list[str]:
        """Statuses in which the request still needs something from someone."""
        return [cls.NEW, cls.OPEN, cls.WAITING_ON_CUSTOMER, cls.ON_HOLD]


#: What the customer reads for each status: their words, not the desk's.
CUSTOMER_STATUS = {
    Status.NEW: _("Received"),
    Status.OPEN: _("We're working on it"),
    Status.WAITING_ON_CUSTOMER: _("Waiting for your reply"),
    Status.ON_HOLD: _("We're working on it"),
    Status.SOLVED: _("Solved"),
    Status.CLOSED: _("Closed"),
}


class CustomerStatusFilter(models.TextChoices):
    """The filters a customer has on their list."""

    OPEN = "open", _("Open")
    WAITING = "waiting", _("Waiting for my reply")
    SOLVED = "solved", _("Solved or closed")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")

    @property
    def rank(self) -> int:
        return list(Priority).index(self)


class Impact(models.TextChoices):
    """What the customer says about the effect on them; the desk derives the priority."""

    QUESTION = "question", _("I have a question or a request")
    MINOR = "minor", _("Something is not working right, but I can work")
    MAJOR = "major", _("An important feature does not work")
    BLOCKING = "blocking", _("I cannot work at all")


IMPACT_PRIORITY = {
    Impact.QUESTION: Priority.LOW,
    Impact.MINOR: Priority.NORMAL,
    Impact.MAJOR: Priority.HIGH,
    Impact.BLOCKING: Priority.URGENT,
}


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    EMAIL = "email", pgettext_lazy("channel", "E-mail")
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat")
    SOCIAL = "social", _("Social media")
    COMMUNITY = "community", _("Community")


class EventKind(models.TextChoices):
    CREATED = "created", _("Filed")
    STATUS = "status", _("Status changed")
    PRIORITY = "priority", _("Priority changed")
    QUEUE = "queue", _("Queue changed")
    ASSIGNEE = "assignee", _("Assignee changed")
    REPLY = "reply", _("Public reply")
    NOTE = "note", _("Internal note")
    ATTACHMENT = "attachment", _("File added")
    CC = "cc", _("CC changed")
    MERGED = "merged", _("Merged")
    LINKED = "linked", _("Linked")
    POLICY = "policy", _("SLA policy applied")
    REMINDER = "reminder", _("SLA reminder sent")
    ESCALATION = "escalation", _("SLA escalated")
    TAGS = "tags", _("Tags changed")
    LANGUAGE = "language", _("Language changed")


class SLATarget(models.TextChoices):
    FIRST_REPLY = "first_reply", _("First reply")
    NEXT_REPLY = "next_reply", _("Next reply")
    RESOLUTION = "resolution", _("Resolution")


class AlertKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder")
    ESCALATION = "escalation", _("Escalation")


class FieldKind(models.TextChoices):
    TEXT = "text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    CHOICE = "choice", _("Choice from a list")
    PRODUCT = "product", _("Product")
    DATE = "date", _("Date")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")
