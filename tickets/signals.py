"""What support tells other apps, and how it reacts to accounts.

`request_filed` says a request was filed (search marks the suggestions opened before it);
`customer_panel` is sent when an agent opens a request, with `person` (the customer): a receiver
may answer with a `tickets.selectors.PanelSection` of what its app knows about them (the
community's standing, …). Support never imports those apps.
"""

from allauth.account.signals import email_confirmed
from django.dispatch import Signal, receiver

customer_panel = Signal()
#: Sent after commit with `ticket` and `session_key` (empty when filed by e-mail or an agent):
#: a request was filed, so the suggestions that session opened did not answer it.
request_filed = Signal()
#: Sent after commit with `survey` when a satisfaction survey is asked, rated or explained.
survey_changed = Signal()
#: Sent with `session_key` when someone opens the form to file a request (insights counts the
#: sessions that started filing, the denominator of deflection).
filing_started = Signal()


@receiver(email_confirmed, dispatch_uid="tickets.accept_cc_invitations")
def accept_cc_invitations(sender, request, email_address, **kwargs):
    from .services import accept_cc_invitations as accept

    accept(user=email_address.user, email=email_address.email)
