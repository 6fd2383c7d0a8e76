"""The privacy app answers the other apps' questions about consent (they never import it)."""

from django.dispatch import receiver

from portal.accounts.signals import optional_mail

from .consent import allows


@receiver(optional_mail, dispatch_uid="privacy.optional_mail")
def optional_mail_allowed(sender, person, purpose, **kwargs) -> bool:
    return person is not None and allows(person, purpose)
