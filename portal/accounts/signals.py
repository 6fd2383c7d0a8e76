"""Every person who signs up becomes a customer; other apps add cards to the customer area.

`dashboard_cards` is sent when someone opens /me/, with `person`: a receiver may answer with a
`DashboardCard` (a question waiting for them, …) or a list of them. `optional_mail` is sent with `person` and
`purpose` (a consent purpose's code: "surveys", "newsletter", …) before anything optional is
mailed to them; a receiver answering False stops it (the privacy app answers from the consent
ledger). Accounts never imports those apps.
"""

from dataclasses import dataclass

from allauth.account.signals import user_signed_up
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import Signal, receiver

from . import access, services
from .models import User

dashboard_cards = Signal()
optional_mail = Signal()
#: Sent with `person` and `purpose`: a receiver may answer with the address of a link that
#: withdraws that consent without signing in (the privacy app does), for the foot of the e-mail.
withdraw_link = Signal()


def withdraw_url(person, purpose: str) -> str:
    """The link that stops mail of `purpose` for `person`, or "" when no app offers one."""
    return next(
        (answer for _receiver, answer in withdraw_link.send(sender=None, person=person, purpose=purpose) if answer), ""
    )


def may_mail(person, purpose: str) -> bool:
    """May something optional for `purpose` be mailed to `person`? No when any receiver says no."""
    answers = optional_mail.send(sender=None, person=person, purpose=purpose)
    return not any(answer is False for _receiver, answer in answers)


@dataclass(frozen=True)
class DashboardCard:
    title: str
    text: str
    link_text: str
    url: str


@receiver(user_signed_up)
def make_new_user_a_customer(sender, request, user, **kwargs) -> None:
    services.on_signed_up(user=user, language=getattr(request, "LANGUAGE_CODE", ""))


# Who may do what (portal.accounts.access): groups, permissions and who holds them.
@receiver(m2m_changed, sender=User.groups.through)
@receiver(m2m_changed, sender=User.user_permissions.through)
def _persons_groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:  # person.groups.add(…): one person
        access.forget([instance.pk])
    elif pk_set is not None:  # group.user_set.add(…): these people
        access.forget(pk_set)
    else:  # group.user_set.clear(): whoever was in it
        access.changed()


@receiver(m2m_changed, sender=Group.permissions.through)
def _group_permissions_changed(sender, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        access.changed()


@receiver(post_save, sender=Group)
@receiver(post_delete, sender=Group)
@receiver(post_save, sender=Permission)
@receiver(post_delete, sender=Permission)
def _groups_changed(sender, **kwargs) -> None:
    access.changed()


@receiver(post_migrate, dispatch_uid="accounts.access_after_migrate")
def _migrated(sender, **kwargs) -> None:
    """Data migrations give roles their permissions with historical models, which send no model
    signals: after `migrate` (which sends this once per app, when every migration has run),
    everyone's access is read again."""
    if sender.label == "accounts":
        access.changed()
