"""Segments: RFM scores and groups (recency, frequency, monetary), rule segments built in the admin,
and who was in which, over time."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import PreviewableMixin

from .blocks import ConditionsBlock, ForSegmentBlock

SCORE = [MinValueValidator(1), MaxValueValidator(5)]


def one_line(value: str) -> None:
    """An e-mail subject is a header: a line break in it would stop the message from being sent."""
    if "\r" in value or "\n" in value:
        raise ValidationError(_("Write it on one line."))


def safe_link(value: str) -> None:
    """A link on the site: an address here ("/help/") or on the web (https://…), nothing else."""
    if not value:
        return
    if value.startswith("/") and not value.startswith("//"):
        if any(ch in value for ch in "\r\n\t "):
            raise ValidationError(_("Give an address here (starting with /) or on the web (https://…)."))
        return
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise ValidationError(_("Give an address here (starting with /) or on the web (https://…).")) from None


@register_setting(icon="group")
class SegmentSettings(BaseGenericSetting):
    """How RFM scores are computed."""

    months = models.PositiveSmallIntegerField(
        _("months of orders that count for frequency and money"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    currency = models.CharField(
        _("currency counted"),
        max_length=3,
        blank=True,
        help_text=_("Only orders in this currency count towards money spent; empty counts every order's amount."),
    )
    engagement_days = models.PositiveSmallIntegerField(
        _("days of activity that count for engagement"),
        default=90,
        validators=[MinValueValidator(7), MaxValueValidator(730)],
    )

    class Meta:
        verbose_name = _("segments")


class RFMGroup(models.Model):
    """A named group of RFM scores ("Champions": recent, frequent, big spenders). A member belongs to
    the first group, in order, whose three ranges hold their scores."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("what it means and what to do"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0, help_text=_("Groups are tried in this order."))
    recency_min = models.PositiveSmallIntegerField(_("recency from"), default=1, validators=SCORE)
    recency_max = models.PositiveSmallIntegerField(_("recency to"), default=5, validators=SCORE)
    frequency_min = models.PositiveSmallIntegerField(_("frequency from"), default=1, validators=SCORE)
    frequency_max = models.PositiveSmallIntegerField(_("frequency to"), default=5, validators=SCORE)
    monetary_min = models.PositiveSmallIntegerField(_("money from"), default=1, validators=SCORE)
    monetary_max = models.PositiveSmallIntegerField(_("money to"), default=5, validators=SCORE)

    panels = [
        FieldPanel("name"),
        FieldPanel("code"),
        FieldPanel("description"),
        FieldPanel("order"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("recency_min"), FieldPanel("recency_max")]),
                FieldRowPanel([FieldPanel("frequency_min"), FieldPanel("frequency_max")]),
                FieldRowPanel([FieldPanel("monetary_min"), FieldPanel("monetary_max")]),
            ],
            heading=_("Scores (1 = lowest fifth of members, 5 = highest)"),
        ),
    ]

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("RFM group")
        verbose_name_plural = _("RFM groups")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        for name in ("recency", "frequency", "monetary"):
            low, high = getattr(self, f"{name}_min"), getattr(self, f"{name}_max")
            if low is not None and high is not None and low > high:
                raise ValidationError({f"{name}_max": _("The upper score must not be below the lower one.")})

    def holds(self, recency: int, frequency: int, monetary: int) -> bool:
        return (
            self.recency_min <= recency <= self.recency_max
            and self.frequency_min <= frequency <= self.frequency_max
            and self.monetary_min <= monetary <= self.monetary_max
        )


class CustomerScore(models.Model):
    """A consenting customer's RFM scores as of the last scoring. People who never paid, who are
    inactive or who withdrew the profiling consent have no row."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="customer_score"
    )
    last_paid_at = models.DateTimeField(_("last paid"))
    frequency = models.PositiveIntegerField(_("paid orders"))
    monetary = models.DecimalField(_("paid amount"), max_digits=14, decimal_places=2)
    recency_score = models.PositiveSmallIntegerField(_("R"), validators=SCORE)
    frequency_score = models.PositiveSmallIntegerField(_("F"), validators=SCORE)
    monetary_score = models.PositiveSmallIntegerField(_("M"), validators=SCORE)
    activity = models.PositiveIntegerField(_("activity"), default=0)
    engagement_score = models.PositiveSmallIntegerField(
        _("engagement"), default=0, help_text=_("0 = no activity; 1–5 = fifth among the active.")
    )
    group = models.ForeignKey(
        RFMGroup, verbose_name=_("RFM group"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scored_at = models.DateTimeField(_("scored"), default=timezone.now)

    class Meta:
        verbose_name = _("customer score")
        verbose_name_plural = _("customer scores")
        indexes = [models.Index(fields=["group"], name="customers_score_group")]

    def __str__(self) -> str:
        return f"{self.person_id}: R{self.recency_score} F{self.frequency_score} M{self.monetary_score}"

    @property
    def code(self) -> str:
        return f"{self.recency_score}{self.frequency_score}{self.monetary_score}"


class GroupChange(models.Model):
    """A member moved between RFM groups (None: entered or left scoring). The report of movement
    month by month reads these."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    from_group = models.ForeignKey(RFMGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to_group = models.ForeignKey(RFMGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["person", "-at"], name="customers_change_person")]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.from_group_id} → {self.to_group_id}"


class Segment(PreviewableMixin, models.Model):
    """People who meet every condition (plan, tier, country, RFM group, …), kept by a scheduled
    task. Only people who allow profiling are ever members."""

    name = models.CharField(_("name"), max_length=120)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    conditions = StreamField(
        ConditionsBlock(),
        verbose_name=_("conditions"),
        blank=True,
        help_text=_("A member meets all of them. Preview shows who is in before you save."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    size = models.PositiveIntegerField(_("members"), default=0, editable=False)
    refreshed_at = models.DateTimeField(_("members counted"), null=True, blank=True, editable=False)

    panels = [
        FieldPanel("name"),
        FieldPanel("code"),
        FieldPanel("description"),
        FieldPanel("conditions"),
        FieldPanel("is_active"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")

    def __str__(self) -> str:
        return self.name

    def people(self, *, now=None):
        """Everyone who meets the conditions now (a queryset, evaluated by the caller)."""
        from .rfm import scored_people

        now = now or timezone.now()
        people = scored_people()
        for child in self.conditions:
            people = child.block.narrow(people, child.value, now)
        return people.order_by("pk")

    def get_preview_template(self, request, mode_name, **kwargs):
        return "customers/admin/segment_preview.html"

    def get_preview_context(self, request, mode_name, **kwargs):
        context = super().get_preview_context(request, mode_name, **kwargs)
        people = self.people()
        context["size"] = people.count()
        context["sample"] = list(people.select_related("organisation")[:25])
        return context


class SegmentMember(models.Model):
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="segment_memberships")
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["segment", "person"], name="customers_one_membership")]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.segment_id}"


class SegmentChange(models.Model):
    """A person joined or left a rule segment (the report of sizes over time reads these)."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="changes")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    joined = models.BooleanField()
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.person_id} {'joined' if self.joined else 'left'} {self.segment_id}"


def _percent():
    return [MinValueValidator(0), MaxValueValidator(90)]


class Offer(models.Model):
    """Something for the people of some segments, for a while: a benefit from membership's pools,
    or a message with a link. A share of each audience (the hold-out) is not shown it, so what the
    offer changes is measured against them."""

    title = models.CharField(_("title"), max_length=120)
    pitch = models.TextField(_("what it says"), max_length=600)
    benefit = models.ForeignKey(
        "membership.Benefit",
        verbose_name=_("benefit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Redeemed on the benefits page; its codes and limits apply."),
    )
    link = models.CharField(
        _("link"),
        max_length=300,
        blank=True,
        validators=[safe_link],
        help_text=_("Where the offer leads when it is not a benefit."),
    )
    segments = models.ManyToManyField(Segment, verbose_name=_("segments"), blank=True, related_name="offers")
    rfm_groups = models.ManyToManyField(RFMGroup, verbose_name=_("RFM groups"), blank=True, related_name="offers")
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    holdout_percent = models.PositiveSmallIntegerField(
        _("hold-out (%)"),
        default=10,
        validators=_percent(),
        help_text=_("This share of each audience is not shown the offer, to measure what it changes."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("pitch"),
        FieldPanel("benefit"),
        FieldPanel("link"),
        FieldPanel("segments", widget=forms.CheckboxSelectMultiple),
        FieldPanel("rfm_groups", widget=forms.CheckboxSelectMultiple),
        FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
        FieldPanel("holdout_percent"),
        FieldPanel("is_active"),
    ]

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The offer cannot end before it starts.")})
        if not self.benefit_id and not self.link:
            raise ValidationError({"link": _("Choose a benefit or give a link.")})


class Exposure(models.Model):
    """An offer met a person of its audience: shown to them, or held out. Redeeming the offer's
    benefit is recorded here, with the segment it was aimed through."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="exposures")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    segment = models.CharField(_("aimed through"), max_length=80)
    holdout = models.BooleanField(_("held out"), default=False)
    first_at = models.DateTimeField(default=timezone.now)
    last_at = models.DateTimeField(default=timezone.now)
    times = models.PositiveIntegerField(default=1)
    redemption = models.ForeignKey(
        "membership.Redemption", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    redeemed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["offer", "person"], name="customers_one_exposure")]

    def __str__(self) -> str:
        return f"{self.offer_id} → {self.person_id}{' (held out)' if self.holdout else ''}"


class Campaign(ClusterableModel):
    """An e-mail (and a notification) to the consenting members of a segment or an RFM group, sent
    in batches by the task worker, once per person; a hold-out share is not sent it. Each person
    gets it in their language where a translation is given (Serbian in either script serves both)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    name = models.CharField(_("name"), max_length=120)
    segment = models.ForeignKey(
        Segment, verbose_name=_("segment"), null=True, blank=True, on_delete=models.PROTECT, related_name="campaigns"
    )
    rfm_group = models.ForeignKey(
        RFMGroup, verbose_name=_("RFM group"), null=True, blank=True, on_delete=models.PROTECT, related_name="campaigns"
    )
    subject = models.CharField(_("subject"), max_length=150, validators=[one_line])
    body = models.TextField(_("message"), max_length=4000)
    link = models.CharField(_("link"), max_length=300, blank=True, validators=[safe_link])
    batch_size = models.PositiveIntegerField(
        _("e-mails per batch"), default=200, validators=[MinValueValidator(1), MaxValueValidator(5000)]
    )
    holdout_percent = models.PositiveSmallIntegerField(_("hold-out (%)"), default=10, validators=_percent())
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("segment"), FieldPanel("rfm_group")]),
        FieldPanel("subject"),
        FieldPanel("body"),
        FieldPanel("link"),
        InlinePanel("translations", label=_("In other languages")),
        FieldRowPanel([FieldPanel("batch_size"), FieldPanel("holdout_percent")]),
    ]

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if bool(self.segment_id) == bool(self.rfm_group_id):
            raise ValidationError(_("Choose a segment or an RFM group (one of them)."))


class CampaignTranslation(models.Model):
    campaign = ParentalKey(Campaign, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=150, validators=[one_line])
    body = models.TextField(_("message"), max_length=4000)

    panels = [FieldPanel("language"), FieldPanel("subject"), FieldPanel("body")]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "language"], name="customers_one_campaign_translation")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} ({self.language})"


class Delivery(models.Model):
    """One person of a campaign's audience: sent once, or held out."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deliveries")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    holdout = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "person"], name="customers_one_delivery")]

    def __str__(self) -> str:
        return f"{self.campaign_id} → {self.person_id}"


class Placement(models.TextChoices):
    HOME = "home", _("Home page")
    MEMBER_AREA = "member_area", _("Customer area (/me/)")
    HELP = "help", _("Help articles")


class AimedContent(models.Model):
    """A box of content on the home page, in the customer area or on help articles that says
    something different to the people of different segments, and the default to everyone else
    (and to every signed-out reader, so cached pages stay the same for all of them)."""

    name = models.CharField(_("name"), max_length=120)
    placement = models.CharField(_("where"), max_length=20, choices=Placement.choices)
    variants = StreamField([("for_segment", ForSegmentBlock())], verbose_name=_("variants"), blank=True)
    default_heading = models.CharField(_("heading for everyone else"), max_length=120, blank=True)
    default_text = RichTextField(_("text for everyone else"), features=["bold", "italic", "link"], blank=True)
    default_link = models.CharField(_("link for everyone else"), max_length=300, blank=True, validators=[safe_link])
    default_link_text = models.CharField(_("link text"), max_length=80, blank=True)
    is_active = models.BooleanField(_("shown"), default=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("placement"),
        FieldPanel("variants"),
        MultiFieldPanel(
            [
                FieldPanel("default_heading"),
                FieldPanel("default_text"),
                FieldRowPanel([FieldPanel("default_link"), FieldPanel("default_link_text")]),
            ],
            heading=_("For everyone else"),
        ),
        FieldPanel("is_active"),
    ]

    class Meta:
        ordering = ["placement", "pk"]
        verbose_name = _("aimed content")
        verbose_name_plural = _("aimed content")

    def __str__(self) -> str:
        return self.name
