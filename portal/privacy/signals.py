"""The privacy app answers the other apps' questions about consent (they never import it)."""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from portal.accounts.signals import optional_mail, withdraw_link
from portal.cache_versions import PURPOSES, bump

from .consent import allows
from .consent import withdraw_link as link_for
from .models import Purpose


@receiver(optional_mail, dispatch_uid="privacy.optional_mail")
def optional_mail_allowed(sender, person, purpose, **kwargs) -> bool:
    return person is not None and allows(person, purpose)


@receiver(withdraw_link, dispatch_uid="privacy.withdraw_link")
def withdraw_link_for(sender, person, purpose, **kwargs) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + link_for(person, purpose)


@receiver(post_save, sender=Purpose, dispatch_uid="privacy.purpose_saved")
@receiver(post_delete, sender=Purpose, dispatch_uid="privacy.purpose_deleted")
def purposes_changed(sender, **kwargs) -> None:
    """Purposes are kept in the cache (consent.purpose): read them again, now and after the commit."""
    bump(PURPOSES)
    transaction.on_commit(lambda: bump(PURPOSES))
