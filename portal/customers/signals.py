"""The customer page reached from the desk's customer panel and from a community profile (staff)."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from community.signals import profile_links
from portal.accounts.signals import DashboardCard, dashboard_cards
from portal.membership.models import Redemption
from portal.privacy.consent import PROFILING, consent_changed
from tickets.selectors import PanelSection
from tickets.signals import customer_panel

from .models import Offer


@receiver(customer_panel, dispatch_uid="customers.desk_section")
def desk_section(sender, person, **kwargs):
    from .models import CustomerScore

    # Only people who allow profiling have a score (a withdrawal removes it at once): one query.
    score = CustomerScore.objects.filter(person=person).select_related("group").first()
    lines = []
    if score is not None and score.group is not None:
        lines.append(_("RFM group: %(group)s") % {"group": score.group.name})
    return PanelSection(
        title=_("Customer page"),
        lines=tuple(lines),
        link_label=_("Everything about this customer"),
        link_url=reverse("customers_person", args=[person.pk]),
    )


@receiver(profile_links, dispatch_uid="customers.profile_link")
def profile_link(sender, viewer, person, **kwargs):
    from .access import may_open

    if not may_open(viewer, person):
        return None
    return (_("Customer page"), reverse("customers_person", args=[person.pk]))


@receiver(consent_changed, dispatch_uid="customers.forget_withdrawn_profiling")
def forget_withdrawn_profiling(sender, person, purpose, granted, **kwargs):
    """Withdrawing the profiling consent takes the person out of every segment now, not at the
    next scoring."""
    from . import rfm, segments

    if purpose == PROFILING and not granted:
        rfm.forget(person)
        segments.forget(person)


SHOWN_OFFERS = 3


@receiver(dashboard_cards, dispatch_uid="customers.offer_cards")
def offer_cards(sender, person, **kwargs):
    """Offers for you, in the customer area: the newest three."""
    from .offers import address, offers_for

    return [
        DashboardCard(title=offer.title, text=offer.pitch, link_text=_("See the offer"), url=address(offer))
        for offer in offers_for(person)[:SHOWN_OFFERS]
    ]


@receiver(post_save, sender=Redemption, dispatch_uid="customers.record_redemption")
def redemption_made(sender, instance, created, **kwargs):
    from .offers import record_redemption

    if created:
        record_redemption(instance)


@receiver(post_delete, sender="customers.AimedContent", dispatch_uid="customers.aimed_content_removed")
@receiver(post_save, sender="customers.AimedContent", dispatch_uid="customers.aimed_content_changed")
def aimed_content_changed(sender, **kwargs):
    """Anonymous pages are cached whole with the default content in them: show the new one."""
    from portal.cache_versions import CONTENT, bump

    bump(CONTENT)


@receiver(post_save, sender="customers.Offer", dispatch_uid="customers.offer_saved")
@receiver(post_delete, sender="customers.Offer", dispatch_uid="customers.offer_deleted")
@receiver(post_save, sender="customers.Segment", dispatch_uid="customers.segment_saved")
@receiver(post_delete, sender="customers.Segment", dispatch_uid="customers.segment_deleted")
@receiver(post_save, sender="customers.RFMGroup", dispatch_uid="customers.rfm_group_saved")
@receiver(post_delete, sender="customers.RFMGroup", dispatch_uid="customers.rfm_group_deleted")
# A deleted benefit leaves its offers pointing at nothing (SET_NULL writes them without signals).
@receiver(post_delete, sender="membership.Benefit", dispatch_uid="customers.offer_benefit_deleted")
def offers_changed(sender, **kwargs):
    """The running offers and their aims are cached (offers.running_with_aims): read them again."""
    from django.db import transaction

    from portal.cache_versions import OFFERS, bump

    bump(OFFERS)
    transaction.on_commit(lambda: bump(OFFERS))


def offer_aims_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        offers_changed(sender)


m2m_changed.connect(offer_aims_changed, sender=Offer.segments.through, dispatch_uid="customers.offer_segments")
m2m_changed.connect(offer_aims_changed, sender=Offer.rfm_groups.through, dispatch_uid="customers.offer_rfm_groups")
