"""Right to be forgotten: after a grace period, an account is anonymised following the registry.

- `delete` rows go (with their files); `detach` relations are cleared where they can be empty;
  `anonymise` and `keep` rows stay, pointing at the same account row — which itself becomes
  "Former member": no name, no address, no password, no way to sign in, no second factor.
- So community threads stay readable under "Former member", a request keeps its conversation for
  the company's records, and invoices and the points ledger keep their amounts.

`request_erasure()` starts the grace period and e-mails a link that cancels it; the
`erase_due_accounts` command (daily) erases what is due. Safe to repeat.
"""

import uuid
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import FileField, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import DataSubjectRequest, ErasureRequest, RetentionSettings
from .registry import REGISTRY
from .requests import close_requests, record_request

FORMER_MEMBER = "Former member"


class ErasureError(Exception):
    pass


def pending(person) -> ErasureRequest | None:
    return ErasureRequest.objects.filter(person=person, cancelled_at__isnull=True, done_at__isnull=True).first()


def what_happens() -> dict[str, list[tuple[str, str]]]:
    """For the page that asks: (kind of data, reason) per treatment, from the registry."""
    grouped: dict[str, list[tuple[str, str]]] = {"delete": [], "anonymise": [], "keep": []}
    for label, rule in REGISTRY.items():
        if rule.erase in grouped and rule.export:
            name = str(apps.get_model(label)._meta.verbose_name_plural)
            grouped[rule.erase].append((name, rule.why))
    return grouped


@transaction.atomic
def request_erasure(person, *, now=None) -> ErasureRequest:
    now = now or timezone.now()
    existing = pending(person)
    if existing is not None:
        return existing  # asked twice: one request, one date
    grace = RetentionSettings.load().erasure_grace_days
    request = ErasureRequest.objects.create(
        person=person, cancel_key=uuid.uuid4(), requested_at=now, due_at=now + timedelta(days=grace)
    )
    record_request(person, DataSubjectRequest.Kind.ERASURE)
    url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("privacy:cancel_erasure", args=[request.cancel_key])
    with translation.override(person.locale):
        message = render_to_string("privacy/email/erasure.txt", {"person": person, "request": request, "url": url})
        transaction.on_commit(
            lambda: send_mail(_("Your account will be deleted"), message, settings.DEFAULT_FROM_EMAIL, [person.email])
        )
    return request


@transaction.atomic
def cancel(key) -> ErasureRequest | None:
    request = ErasureRequest.objects.select_for_update().filter(cancel_key=key).first()
    if request is None or not request.is_pending:
        return None
    request.cancelled_at = timezone.now()
    request.save(update_fields=["cancelled_at"])
    close_requests(request.person, DataSubjectRequest.Kind.ERASURE, note=_("Cancelled by the person."))
    return request


def _delete_rows(model, condition) -> None:
    file_fields = [field.name for field in model._meta.get_fields() if isinstance(field, FileField)]
    rows = model._default_manager.filter(condition)
    if file_fields:
        for row in rows:
            for name in file_fields:
                stored = getattr(row, name)
                if stored:
                    stored.delete(save=False)
    rows.delete()


@transaction.atomic
def erase(person) -> None:
    """Anonymise `person` and everything the registry says goes with them."""
    User = get_user_model()
    for label, rule in REGISTRY.items():
        model = apps.get_model(label)
        if model is User or rule.erase in ("anonymise", "keep"):
            continue
        for name in rule.fields:
            field = model._meta.get_field(name)
            if field.many_to_many:
                getattr(model, name).through.objects.filter(**{field.m2m_reverse_field_name(): person}).delete()
            elif rule.erase == "delete":
                _delete_rows(model, Q(**{name: person}))
            elif field.null:
                model._default_manager.filter(**{name: person}).update(**{name: None})
    User.objects.filter(pk=person.pk).update(
        email=f"former-{uuid.uuid4().hex}@invalid.example",
        display_name=FORMER_MEMBER,
        first_name="",
        last_name="",
        organisation=None,
        is_organisation_admin=False,
        country="",
        is_active=False,
        is_staff=False,
        is_superuser=False,
    )
    person.refresh_from_db()
    person.set_unusable_password()  # every session's hash no longer matches: all signed out
    person.save(update_fields=["password"])
    person.groups.clear()
    from community.models import CommunityProfile, Post, PostRevision
    from tickets.models import InboundEmail

    # The e-mails they wrote to support, as received, carry their name and address in every header.
    InboundEmail.objects.filter(ticket__requester=person).update(raw=b"", sender="")
    if RetentionSettings.load().erase_post_text:
        removed = _("(removed)")
        Post.objects.filter(author=person).update(body_source=removed, body_html=f"<p>{removed}</p>")
        PostRevision.objects.filter(post__author=person).delete()

    # The public profile stays (standing counts, posts link to it) under a handle that says nothing.
    CommunityProfile.objects.filter(user=person).update(
        handle=f"former-{uuid.uuid4().hex[:10]}", sanction_reason="", former_member=True
    )
    from portal.cache_versions import COMMUNITY, SEARCH, bump

    bump(COMMUNITY, SEARCH)


def erase_due(*, now=None) -> int:
    now = now or timezone.now()
    count = 0
    for request in ErasureRequest.objects.filter(due_at__lte=now, cancelled_at__isnull=True, done_at__isnull=True):
        erase(request.person)
        ErasureRequest.objects.filter(pk=request.pk).update(done_at=now)
        close_requests(request.person, DataSubjectRequest.Kind.ERASURE)
        count += 1
    return count
