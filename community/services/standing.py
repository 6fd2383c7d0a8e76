"""Standing: trust levels and badges, earned by taking part or granted by staff."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from portal.notifications.services import notify

from .. import access
from ..choices import (
    BadgeRule,
    ModerationAction,
    PointsReason,
)
from ..models import (
    Badge,
    BadgeAward,
    CommunityProfile,
    CommunitySettings,
)
from .base import CommunityError, _award, _log, profile_for, rules


def compute_trust_level(profile: CommunityProfile, settings: CommunitySettings | None = None) -> int:
    """The highest level whose thresholds (and all lower levels') the profile meets."""
    settings = settings or rules()
    level = 0
    for candidate in (1, 2, 3, 4):
        needs = settings.thresholds[candidate]
        if all(getattr(profile, field) >= minimum for field, minimum in needs.items()):
            level = candidate
        else:
            break
    return level


def refresh_trust_level(user) -> int:
    """Recompute and store a person's trust level; grant trust badges. Returns the level."""
    profile = CommunityProfile.objects.filter(user=user).first()
    if profile is None or profile.trust_level_locked:
        return profile.trust_level if profile else 0
    level = compute_trust_level(profile)
    if level > profile.trust_level:  # earned levels are kept; moderators lower them by hand
        CommunityProfile.objects.filter(pk=profile.pk).update(trust_level=level)
        profile.trust_level = level
        if hasattr(user, "_community_profile"):
            user._community_profile.trust_level = level
        check_badges(user, rules=(BadgeRule.TRUST,))
    return profile.trust_level


_RULE_FIELDS = {
    BadgeRule.FIRST_POST: "post_count",
    BadgeRule.ACCEPTED: "accepted_count",
    BadgeRule.HELPFUL: "likes_received",
    BadgeRule.TOPICS: "topic_count",
    BadgeRule.TRUST: "trust_level",
}


def check_badges(user, *, rules: Iterable[str] = tuple(_RULE_FIELDS)) -> list[BadgeAward]:
    """Grant every rule badge whose threshold the person has reached and does not hold yet."""
    profile = CommunityProfile.objects.filter(user=user).first()
    if profile is None:
        return []
    candidates = Badge.objects.filter(is_active=True, rule__in=list(rules)).exclude(awards__user=user)
    granted = []
    for badge in candidates:
        if getattr(profile, _RULE_FIELDS[badge.rule]) >= badge.threshold:
            award = _grant(badge, user)
            if award:
                granted.append(award)
    return granted


def _grant(badge: Badge, user, *, by=None, reason: str = "") -> BadgeAward | None:
    try:
        with transaction.atomic():
            award = BadgeAward.objects.create(badge=badge, user=user, awarded_by=by, reason=reason[:255])
    except IntegrityError:
        return None  # granted meanwhile
    if badge.points:
        _award(
            user=user,
            source=f"community:badge:{badge.pk}",
            points=badge.points,
            reason=PointsReason.BADGE,
            note=badge.name,
        )

    def tell():
        with translation.override(user.locale):
            notify(
                recipients=[user],
                kind="community.badge",
                title=_("You earned the badge “%(badge)s”") % {"badge": badge.name},
                url=reverse("community:profile", kwargs={"handle": profile_for(user).handle}),
                body=badge.description,
            )

    transaction.on_commit(tell)
    return award


@transaction.atomic
def grant_badge(*, badge: Badge, user, actor, reason: str = "") -> BadgeAward | None:
    """A badge given by hand: global moderators only (a badge is shown everywhere the person is)."""
    if not access.can_moderate_people(actor):
        raise CommunityError(_("Only global moderators can do that."))
    profile_for(user)
    award = _grant(badge, user, by=actor, reason=reason)
    if award:
        _log(ModerationAction.BADGE, actor=actor, target_user=user, reason=reason, detail=badge.slug)
    return award
