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

        # Who is a member is kept in the shared cache (entitlements.membership_windows).
        from django.db.models.signals import post_delete, post_save

        from portal.accounts.access import changed

        from .models import Subscription

        post_save.connect(changed, sender=Subscription, dispatch_uid="membership_subscription_saved")
        post_delete.connect(changed, sender=Subscription, dispatch_uid="membership_subscription_deleted")
