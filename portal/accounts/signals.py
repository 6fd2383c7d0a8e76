"""Every person who signs up becomes a customer; a changed user leaves the cache."""

from allauth.account.signals import user_signed_up
from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import services
from .backends import forget_user


@receiver(user_signed_up)
def make_new_user_a_customer(sender, request, user, **kwargs) -> None:
    services.on_signed_up(user=user, language=getattr(request, "LANGUAGE_CODE", ""))


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts_forget_saved_user")
@receiver(post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts_forget_deleted_user")
def forget_cached_user(sender, instance, **kwargs) -> None:
    """The signed-in copy in the cache (backends.py) must not outlive a change to the row."""
    forget_user(instance.pk)
