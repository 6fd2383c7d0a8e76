"""Support reacts to accounts: a confirmed address takes up the CC invitations waiting for it."""

from allauth.account.signals import email_confirmed
from django.dispatch import receiver


@receiver(email_confirmed, dispatch_uid="tickets.accept_cc_invitations")
def accept_cc_invitations(sender, request, email_address, **kwargs):
    from .services import accept_cc_invitations as accept

    accept(user=email_address.user, email=email_address.email)
