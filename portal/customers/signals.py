"""The customer page reached from the desk's customer panel and from a community profile (staff)."""

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from community.signals import profile_links
from portal.privacy.consent import PROFILING, consent_changed
from tickets.selectors import PanelSection
from tickets.signals import customer_panel


@receiver(customer_panel, dispatch_uid="customers.desk_section")
def desk_section(sender, person, **kwargs):
    from .segments import current_segments

    segments = current_segments(person)
    lines = []
    if segments.group is not None:
        lines.append(_("RFM group: %(group)s") % {"group": segments.group.name})
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
