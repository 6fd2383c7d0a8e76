"""Every person who signs up becomes a customer; other apps add cards to the customer area.

`dashboard_cards` is sent when someone opens /me/, with `person`: a receiver may answer with a
`DashboardCard` (a question waiting for them, …). Accounts never imports those apps.
"""

from dataclasses import dataclass

from allauth.account.signals import user_signed_up
from django.dispatch import Signal, receiver

from . import services

dashboard_cards = Signal()


@dataclass(frozen=True)
class DashboardCard:
    title: str
    text: str
    link_text: str
    url: str


@receiver(user_signed_up)
def make_new_user_a_customer(sender, request, user, **kwargs) -> None:
    services.on_signed_up(user=user, language=getattr(request, "LANGUAGE_CODE", ""))
