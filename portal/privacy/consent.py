"""Reading and writing the consent ledger: what a person allows now, and recording a change.

Every sender of optional mail asks `allows()` (one person) or `consenting()` (a queryset of
people) first. A change is recorded only when it changes something, so a double click or a
retried request writes one row.
"""

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale

from portal.cache_versions import PURPOSES, versions

from .models import ConsentEvent, Purpose

WITHDRAW_SALT = "portal.privacy.withdraw"

#: Sent after commit with `person`, `purpose` (its code) and `granted` when a record changes what a
#: person allows (segments forget a withdrawn profiling consent at once; webhooks tell others).
consent_changed = Signal()

#: The purposes the portal's own senders ask about.
SURVEYS = "surveys"
NEWSLETTER = "newsletter"
OFFERS = "offers"
PROFILING = "profiling"


def purposes(*, optional_only: bool = False) -> list[Purpose]:
    """Active purposes in the reader's language (the default language's where not translated)."""
    default = Locale.get_default()
    originals = Purpose.objects.filter(locale=default, is_active=True)
    if optional_only:
        originals = originals.filter(required=False)
    originals = list(originals)
    active = Locale.get_active()
    if active.pk == default.pk:
        return originals
    translated = {
        p.translation_key: p
        for p in Purpose.objects.filter(locale=active, translation_key__in=[o.translation_key for o in originals])
    }
    return [translated.get(original.translation_key, original) for original in originals]


#: The longest a purpose is kept without a change to any purpose.
PURPOSE_SECONDS = 600


def purpose(code: str) -> Purpose | None:
    """The active purpose `code` in the default language. Every page that asks what a person allows
    reads it, so it is kept in the cache under the purposes version (a purpose saved or deleted
    starts a new one, portal.privacy.signals)."""
    key = f"privacy:purpose:{versions(PURPOSES)}:{code}"
    found = cache.get(key)
    if not isinstance(found, tuple):  # (the purpose or None,): an unknown code is kept too
        found = (Purpose.objects.filter(locale=Locale.get_default(), code=code, is_active=True).first(),)
        cache.set(key, found, PURPOSE_SECONDS)
    return found[0]


def latest(person) -> dict[str, ConsentEvent]:
    """Each purpose's newest record for `person`."""
    found: dict[str, ConsentEvent] = {}
    for event in ConsentEvent.objects.filter(person=person).order_by("purpose", "-at", "-pk"):
        found.setdefault(event.purpose, event)
    return found


def is_current(event: ConsentEvent | None, of: Purpose) -> bool:
    return bool(event and event.granted and event.version == of.version)


def allows(person, code: str) -> bool:
    """Does `person` allow `code` now? Required purposes always; unknown or inactive ones never."""
    of = purpose(code)
    if of is None:
        return False
    if of.required:
        return True
    event = ConsentEvent.objects.filter(person=person, purpose=code).order_by("-at", "-pk").first()
    return is_current(event, of)


def consenting(people: QuerySet, code: str) -> QuerySet:
    """The people of `people` who allow `code` now, in one query."""
    of = purpose(code)
    if of is None:
        return people.none()
    if of.required:
        return people
    newest = ConsentEvent.objects.filter(person=OuterRef("pk"), purpose=code).order_by("-at", "-pk")
    return people.annotate(
        consent_granted=Subquery(newest.values("granted")[:1]),
        consent_version=Subquery(newest.values("version")[:1]),
    ).filter(consent_granted=True, consent_version=of.version)


@transaction.atomic
def record(*, person, code: str, granted: bool, how: str, ip_address=None, note: str = "", recorded_by=None, at=None):
    """Record a grant or a withdrawal when it changes what `person` allows; returns the new row or None."""
    of = purpose(code)
    if of is None or of.required:
        return None
    get_user_model().objects.select_for_update().filter(pk=person.pk).first()  # one change at a time per person
    event = ConsentEvent.objects.filter(person=person, purpose=code).order_by("-at", "-pk").first()
    if event is not None and event.granted == granted and event.version == of.version:
        return None  # says what is already recorded: a double click, a retried request
    transaction.on_commit(
        lambda: consent_changed.send(sender=ConsentEvent, person=person, purpose=code, granted=granted)
    )
    return ConsentEvent.objects.create(
        person=person,
        purpose=code,
        version=of.version,
        granted=granted,
        how=how,
        note=note[:255],
        ip_address=ip_address or None,
        recorded_by=recorded_by,
        at=at or timezone.now(),
    )


def withdraw_link(person, code: str) -> str:
    """A link that withdraws `code` for `person` without signing in (in every optional e-mail)."""
    token = signing.dumps({"u": person.pk, "p": code}, salt=WITHDRAW_SALT, compress=True)
    return reverse("privacy:withdraw", kwargs={"token": token})


def open_withdraw_link(token: str):
    """(person, purpose) a withdrawal link names, or (None, None) when it is forged."""
    try:
        data = signing.loads(token, salt=WITHDRAW_SALT)
    except signing.BadSignature:
        return None, None
    person = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    of = purpose(data.get("p", ""))
    if person is None or of is None:
        return None, None
    return person, of
