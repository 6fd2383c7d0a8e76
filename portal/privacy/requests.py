"""The queue of data-subject requests: recorded whichever way they came, closed when carried out."""

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import DataSubjectRequest


def record_request(person, kind: str, *, channel: str = DataSubjectRequest.Channel.PORTAL, recorded_by=None):
    """An open request of `kind` for `person`, unless one is open already (asking twice is one request)."""
    existing = DataSubjectRequest.objects.filter(
        person=person, kind=kind, status=DataSubjectRequest.Status.OPEN
    ).first()
    if existing is not None:
        return existing
    return DataSubjectRequest.objects.create(person=person, kind=kind, channel=channel, recorded_by=recorded_by)


def close_requests(person, kind: str, *, note: str = "", handled_by=None) -> int:
    """Mark the open requests of `kind` for `person` as done (the copy was built, the account erased)."""
    open_requests = DataSubjectRequest.objects.filter(person=person, kind=kind, status=DataSubjectRequest.Status.OPEN)
    closed = 0
    for request in open_requests:
        request.status, request.handled_at, request.handled_by = (
            DataSubjectRequest.Status.DONE,
            timezone.now(),
            handled_by,
        )
        if note:
            request.note = f"{request.note}\n{note}".strip()
        request.save(update_fields=["status", "handled_at", "handled_by", "note"])
        closed += 1
    return closed


def may_start_erasure(staff, person) -> bool:
    """Agents start deletions for customers; a staff member's account takes an admin."""
    from portal.accounts.roles import is_staff_member

    if not (person.is_superuser or person.is_staff or is_staff_member(person)):
        return True
    return staff.is_superuser or staff.has_perm("privacy.change_datasubjectrequest")


def start(request: DataSubjectRequest, *, staff) -> None:
    """A request staff recorded: start what it asks for (a copy is built and mailed; a deletion
    starts its grace period and the person is told how to cancel it)."""
    from .erasure import request_erasure
    from .export import request_export

    DataSubjectRequest.objects.filter(pk=request.pk).update(recorded_by=staff)
    if request.kind == DataSubjectRequest.Kind.ERASURE and not may_start_erasure(staff, request.person):
        note = _("Not started: only an admin may start deleting a staff member's account.")
        DataSubjectRequest.objects.filter(pk=request.pk).update(note=f"{request.note}\n{note}".strip())
        return
    if request.kind == DataSubjectRequest.Kind.EXPORT:
        request_export(request.person)
    elif request.kind == DataSubjectRequest.Kind.ERASURE:
        request_erasure(request.person)
