"""The privacy app answers the other apps' questions about consent (they never import it)."""

from django.conf import settings
from django.dispatch import receiver

from portal.accounts.signals import optional_mail, withdraw_link

from .consent import allows
from .consent import withdraw_link as link_for


@receiver(optional_mail, dispatch_uid="privacy.optional_mail")
def optional_mail_allowed(sender, person, purpose, **kwargs) -> bool:
    return person is not None and allows(person, purpose)


@receiver(withdraw_link, dispatch_uid="privacy.withdraw_link")
def withdraw_link_for(sender, person, purpose, **kwargs) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + link_for(person, purpose)
