from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembershipConfig(AppConfig):
    name = "portal.membership"
    label = "membership"
    verbose_name = _("Membership")

    def ready(self):
        from payments.signals import status_changed

        from .models import Payment

        def payment_status_changed(sender, instance, **kwargs):
            from .services.billing import payment_changed

            payment_changed(instance)

        status_changed.connect(
            payment_status_changed, sender=Payment, weak=False, dispatch_uid="membership_payment_status"
        )
