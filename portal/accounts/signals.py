"""Every person who signs up becomes a customer."""

from allauth.account.signals import user_signed_up
from django.dispatch import receiver

from . import services


@receiver(user_signed_up)
def make_new_user_a_customer(sender, request, user, **kwargs) -> None:
    services.on_signed_up(user=user, language=getattr(request, "LANGUAGE_CODE", ""))
