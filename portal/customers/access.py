"""Who may open a customer page, and which of its blocks each viewer reads.

The page is for staff who look after customers: agents (they answer the requests), account
owners (the staff member named on an organisation, for its people) and admins. Each block asks
for what the same information asks for elsewhere in the admin, so the page shows nobody more
than their role already lets them see:

| block | who reads it |
| --- | --- |
| profile, membership (plan, renewal, tier, balance), community standing, segments | everyone who may open the page |
| requests (with SLA and satisfaction), consents | agents, admins, the account owner |
| NPS answers | those who see all Insights; agents for answers about their queues' requests; the account owner |
| points history, benefits redeemed, orders and invoices | admins (billing permissions), the account owner |
"""

from __future__ import annotations

from portal.accounts.roles import is_staff_member

PROFILE = "profile"
MEMBERSHIP = "membership"
COMMUNITY = "community"
SEGMENTS = "segments"
REQUESTS = "requests"
CONSENTS = "consents"
NPS = "nps"
POINTS = "points"
BENEFITS = "benefits"
ORDERS = "orders"

EVERYONE = (PROFILE, MEMBERSHIP, COMMUNITY, SEGMENTS)


def owns(viewer, person) -> bool:
    """Is `viewer` the account owner of `person`'s organisation?"""
    organisation = getattr(person, "organisation", None)
    return bool(organisation is not None and viewer.pk and organisation.account_owner_id == viewer.pk)


def may_use(viewer) -> bool:
    """May `viewer` use customer pages at all (the menu and search; permissions only)?"""
    return bool(
        viewer.is_authenticated
        and viewer.has_perm("wagtailadmin.access_admin")
        and (viewer.has_perm("accounts.view_user") or viewer.has_perm("tickets.view_ticket") or _owns_any(viewer))
    )


def _owns_any(viewer) -> bool:
    return viewer.owned_organisations.exists()


def may_open(viewer, person) -> bool:
    if not viewer.is_authenticated or not viewer.has_perm("wagtailadmin.access_admin"):
        return False
    if viewer.has_perm("accounts.view_user") or viewer.has_perm("tickets.view_ticket"):
        return True
    return owns(viewer, person) and is_staff_member(viewer)


def blocks(viewer, person) -> frozenset[str]:
    """The blocks of `person`'s page that `viewer` reads (empty when they may not open it)."""
    if not may_open(viewer, person):
        return frozenset()
    owner = owns(viewer, person)
    shown = set(EVERYONE)
    if owner or viewer.has_perm("tickets.view_ticket"):
        shown |= {REQUESTS, NPS}
    if owner or viewer.has_perm("privacy.add_consentevent"):
        shown.add(CONSENTS)
    if owner or viewer.has_perm("membership.view_order"):
        shown |= {POINTS, BENEFITS, ORDERS}
    return frozenset(shown)


def nps_queues(viewer, person) -> tuple[int, ...] | None:
    """The queues whose NPS answers `viewer` reads on the page; None: every answer."""
    from portal.insights.permissions import visible_queues

    if owns(viewer, person):
        return None
    return visible_queues(viewer)


def may_open_organisation(viewer, organisation) -> bool:
    if not viewer.is_authenticated or not viewer.has_perm("wagtailadmin.access_admin"):
        return False
    return viewer.has_perm("accounts.view_organisation") or organisation.account_owner_id == viewer.pk
