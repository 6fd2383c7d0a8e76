"""The conditions a rule segment is built from, in the admin, without code.

Each block narrows a queryset of people (`narrow(people, value, now)`); a segment holds the people
who meet all of its conditions. Conditions read what the other apps keep, through their own
query helpers where they have one (tiers, points, consents), so a condition and the page that
shows the same fact agree.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock


def plan_choices():
    from portal.membership.models import Plan

    return [(plan.code, plan.name) for plan in Plan.objects.order_by("price", "name")]


def tier_choices():
    from portal.membership.models import Tier

    return [(tier.code, tier.name) for tier in Tier.objects.order_by("rank")]


def product_choices():
    from knowledge_base.models import Product

    return [(product.name, product.name) for product in Product.objects.order_by("name")]


def purpose_choices():
    from portal.privacy.consent import purposes

    return [(purpose.code, purpose.name) for purpose in purposes(optional_only=True)]


def group_choices():
    from .models import RFMGroup

    return [(group.code, group.name) for group in RFMGroup.objects.order_by("order", "pk")]


def country_choices():
    return list(countries)


class Condition(blocks.StructBlock):
    def narrow(self, people: QuerySet, value, now: datetime) -> QuerySet:
        raise NotImplementedError


class PlanCondition(Condition):
    plans = blocks.MultipleChoiceBlock(label=_("plans"), choices=plan_choices)

    class Meta:
        label = _("Plan (active now)")
        icon = "tag"

    def narrow(self, people, value, now):
        from portal.membership.models import Subscription

        covering = (
            Subscription.objects.active(now)
            .filter(plan__code__in=value["plans"])
            .filter(
                Q(holder=OuterRef("pk")) | Q(organisation_id=OuterRef("organisation_id"), organisation__isnull=False)
            )
        )
        return people.filter(Exists(covering))


class TierCondition(Condition):
    tiers = blocks.MultipleChoiceBlock(label=_("tiers"), choices=tier_choices)

    class Meta:
        label = _("Tier")
        icon = "pick"

    def narrow(self, people, value, now):
        from portal.membership.services.benefits import in_tiers

        return in_tiers(people, set(value["tiers"]), now=now)


class ProductCondition(Condition):
    products = blocks.MultipleChoiceBlock(
        label=_("products"), choices=product_choices, help_text=_("People who asked support about one of them.")
    )

    class Meta:
        label = _("Product used")
        icon = "folder-open-inverse"

    def narrow(self, people, value, now):
        from portal.insights.models import RequestFacts

        return people.filter(
            Exists(RequestFacts.objects.filter(requester_id=OuterRef("pk"), product__in=value["products"]))
        )


class LanguageCondition(Condition):
    languages = blocks.MultipleChoiceBlock(label=_("languages"), choices=settings.LANGUAGES)

    class Meta:
        label = _("Language")
        icon = "globe"

    def narrow(self, people, value, now):
        return people.filter(locale__in=value["languages"])


class OrganisationCondition(Condition):
    organisations = blocks.ListBlock(SnippetChooserBlock("accounts.Organisation"), label=_("organisations"))

    class Meta:
        label = _("Organisation")
        icon = "group"

    def narrow(self, people, value, now):
        return people.filter(organisation__in=[o.pk for o in value["organisations"] if o is not None])


class CountryCondition(Condition):
    countries = blocks.MultipleChoiceBlock(label=_("countries"), choices=country_choices)

    class Meta:
        label = _("Country")
        icon = "site"

    def narrow(self, people, value, now):
        return people.filter(country__in=value["countries"])


class PointsCondition(Condition):
    at_least = blocks.IntegerBlock(label=_("at least"), required=False)
    at_most = blocks.IntegerBlock(label=_("at most"), required=False)

    class Meta:
        label = _("Points balance")
        icon = "pick"

    def narrow(self, people, value, now):
        from portal.membership.points import annotate_points

        people = annotate_points(people, now=now)
        if value.get("at_least") is not None:
            people = people.filter(points_balance__gte=value["at_least"])
        if value.get("at_most") is not None:
            people = people.filter(points_balance__lte=value["at_most"])
        return people


class RenewalCondition(Condition):
    from_days = blocks.IntegerBlock(label=_("from (days)"), min_value=0, default=0)
    to_days = blocks.IntegerBlock(label=_("to (days)"), min_value=0, default=30)

    class Meta:
        label = _("Days to renewal")
        icon = "date"

    def narrow(self, people, value, now):
        from portal.membership.models import Subscription

        ending = Subscription.objects.active(now).filter(
            ends_at__gte=now + timedelta(days=value["from_days"]),
            ends_at__lt=now + timedelta(days=value["to_days"] + 1),
        )
        return people.filter(Exists(ending.filter(holder=OuterRef("pk"))))


class SatisfactionCondition(Condition):
    rating = blocks.ChoiceBlock(label=_("last rating"), choices=[("good", _("Good")), ("bad", _("Bad"))])

    class Meta:
        label = _("Satisfaction (CSAT)")
        icon = "comment"

    def narrow(self, people, value, now):
        from tickets.models import SatisfactionSurvey

        last = SatisfactionSurvey.objects.filter(customer=OuterRef("pk"), answered_at__isnull=False).order_by(
            "-answered_at", "-pk"
        )
        return people.annotate(last_rating=Subquery(last.values("rating")[:1])).filter(last_rating=value["rating"])


NPS_GROUPS = {"promoter": (9, 10), "passive": (7, 8), "detractor": (0, 6)}


class NPSCondition(Condition):
    answer = blocks.ChoiceBlock(
        label=_("last answer"),
        choices=[
            ("promoter", _("Promoter (9–10)")),
            ("passive", _("Passive (7–8)")),
            ("detractor", _("Detractor (0–6)")),
        ],
    )

    class Meta:
        label = _("Recommendation (NPS)")
        icon = "comment"

    def narrow(self, people, value, now):
        from portal.insights.models import NPSSurvey

        low, high = NPS_GROUPS[value["answer"]]
        last = NPSSurvey.objects.filter(person=OuterRef("pk"), answered_at__isnull=False).order_by(
            "-answered_at", "-pk"
        )
        return people.annotate(last_nps=Subquery(last.values("score")[:1])).filter(
            last_nps__gte=low, last_nps__lte=high
        )


class TrustLevelCondition(Condition):
    at_least = blocks.IntegerBlock(label=_("at least"), min_value=0, max_value=4, default=1)

    class Meta:
        label = _("Community trust level")
        icon = "user"

    def narrow(self, people, value, now):
        return people.filter(community_profile__trust_level__gte=value["at_least"])


class ConsentCondition(Condition):
    purpose = blocks.ChoiceBlock(label=_("purpose"), choices=purpose_choices)
    allowed = blocks.BooleanBlock(label=_("allowed"), required=False, default=True)

    class Meta:
        label = _("Consent")
        icon = "lock"

    def narrow(self, people, value, now):
        from portal.privacy.consent import consenting

        allowing = consenting(people.model.objects.all(), value["purpose"]).values("pk")
        return people.filter(pk__in=allowing) if value["allowed"] else people.exclude(pk__in=allowing)


class RFMGroupCondition(Condition):
    groups = blocks.MultipleChoiceBlock(label=_("RFM groups"), choices=group_choices)

    class Meta:
        label = _("RFM group")
        icon = "group"

    def narrow(self, people, value, now):
        return people.filter(customer_score__group__code__in=value["groups"])


class ConditionsBlock(blocks.StreamBlock):
    plan = PlanCondition()
    tier = TierCondition()
    product = ProductCondition()
    language = LanguageCondition()
    organisation = OrganisationCondition()
    country = CountryCondition()
    points = PointsCondition()
    renewal = RenewalCondition()
    satisfaction = SatisfactionCondition()
    nps = NPSCondition()
    trust_level = TrustLevelCondition()
    consent = ConsentCondition()
    rfm_group = RFMGroupCondition()


def safe_link_block(value):
    from .models import safe_link

    safe_link(value)


def audience_choices():
    """Rule segments by code and RFM groups as "rfm:<code>": what `Segments.codes` holds."""
    from .models import RFMGroup, Segment

    return [(s.code, s.name) for s in Segment.objects.filter(is_active=True).order_by("name")] + [
        (f"rfm:{g.code}", _("RFM group: %(name)s") % {"name": g.name}) for g in RFMGroup.objects.order_by("order", "pk")
    ]


class ForSegmentBlock(blocks.StructBlock):
    """Content for the people of some segments; the first variant that fits a reader is shown."""

    audience = blocks.MultipleChoiceBlock(label=_("for the people of"), choices=audience_choices)
    heading = blocks.CharBlock(label=_("heading"), max_length=120)
    text = blocks.RichTextBlock(label=_("text"), features=["bold", "italic", "link"])
    link = blocks.CharBlock(label=_("link"), required=False, max_length=300, validators=[safe_link_block])
    link_text = blocks.CharBlock(label=_("link text"), required=False, max_length=80)

    class Meta:
        label = _("For segment")
        icon = "group"
        template = "customers/aimed_block.html"
