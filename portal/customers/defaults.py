"""The classic RFM groups, seeded once; admins edit their ranges and names afterwards.

(code, name, description, recency range, frequency range, money range). Tried in this order, so
"Champions" wins over "Loyal customers" and "Can't lose them" over "At risk"; together they hold
every one of the 125 score combinations (tests/customers/test_rfm.py checks it).
"""

from django.utils.translation import gettext_lazy as _

GROUPS = [
    (
        "champions",
        _("Champions"),
        _("Bought recently, buy often and spend the most. Reward them; ask for reviews."),
        (4, 5),
        (4, 5),
        (4, 5),
    ),
    ("loyal", _("Loyal customers"), _("Buy often and answer offers. Offer the next plan up."), (3, 5), (3, 5), (1, 5)),
    (
        "cant_lose",
        _("Can't lose them"),
        _("Bought often and spent a lot, but long ago. Win them back in person."),
        (1, 1),
        (4, 5),
        (4, 5),
    ),
    ("at_risk", _("At risk"), _("Bought often, but not for a while. Send a win-back offer."), (1, 2), (3, 5), (1, 5)),
    (
        "new",
        _("New customers"),
        _("Bought for the first time just now. Help them get started."),
        (5, 5),
        (1, 1),
        (1, 5),
    ),
    ("promising", _("Promising"), _("Recent first buyers. Build the relationship."), (4, 4), (1, 1), (1, 5)),
    (
        "potential_loyalists",
        _("Potential loyalists"),
        _("Recent customers with a few orders. Offer membership."),
        (4, 5),
        (2, 2),
        (1, 5),
    ),
    (
        "needs_attention",
        _("Needs attention"),
        _("Spent well, but recency and frequency are slipping."),
        (3, 3),
        (1, 2),
        (3, 5),
    ),
    (
        "about_to_sleep",
        _("About to sleep"),
        _("Below average on everything. Share popular content."),
        (3, 3),
        (1, 2),
        (1, 2),
    ),
    (
        "hibernating",
        _("Hibernating"),
        _("Last bought long ago, seldom. Offer something relevant."),
        (2, 2),
        (1, 2),
        (1, 5),
    ),
    (
        "lost",
        _("Lost"),
        _("Lowest recency and frequency. Try a final campaign or let them go."),
        (1, 1),
        (1, 2),
        (1, 5),
    ),
]


def ensure_groups(apps=None) -> None:
    """Create the groups that do not exist yet (by code); never changes an edited one."""
    from django.utils import translation

    if apps is None:
        from .models import RFMGroup
    else:
        RFMGroup = apps.get_model("customers", "RFMGroup")
    with translation.override("en"):
        for order, (code, name, description, recency, frequency, monetary) in enumerate(GROUPS, start=1):
            RFMGroup.objects.get_or_create(
                code=code,
                defaults={
                    "name": str(name),
                    "description": str(description),
                    "order": order * 10,
                    "recency_min": recency[0],
                    "recency_max": recency[1],
                    "frequency_min": frequency[0],
                    "frequency_max": frequency[1],
                    "monetary_min": monetary[0],
                    "monetary_max": monetary[1],
                },
            )
