"""Right of access and portability: a ZIP of everything the portal holds about one person.

What goes in follows the registry (registry.py): every model declared with an export file gives
its rows where the person appears, as JSON (one file per kind) and CSV (one per model); the
person's own uploads (request attachments, community images) are added as files. A few
relations need their neighbours to make sense and are added here: the public conversation of the
person's own requests (the agents' replies too, never internal notes). Secrets are left out:
password hashes, two-factor secrets and tokens are never exported.

The ZIP is built in a background task, stored privately, and the person is e-mailed a link that
works once, for seven days, and only when they are signed in.
"""

import csv
import io
import json
import uuid
import zipfile
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from .models import DataExport, DataSubjectRequest
from .registry import REGISTRY
from .requests import close_requests, record_request

#: Fields never exported, whatever model they are on.
SECRETS = {"password", "secret", "key", "token", "token_hash", "data", "extra_data"}


class ExportError(Exception):
    """The download cannot be given; the message is for the person."""


def _rows(model, label: str, rule, person):
    if model is get_user_model():
        return model._default_manager.filter(pk=person.pk)
    condition = Q()
    for name in rule.fields:
        condition |= Q(**{name: person})
    return model._default_manager.filter(condition | _neighbours(label, person)).distinct().order_by("pk")


def _neighbours(label: str, person) -> Q:
    """Rows the person does not appear in but which belong to their data."""
    if label == "tickets.Message":
        return Q(ticket__requester=person, is_internal=False)
    return Q(pk__in=[])


#: Kinds of data reached through another model rather than a relation to the person:
#: (model, export file, the person's rows).
REACHED = [
    ("membership.Invoice", "membership", lambda person: Q(order__buyer=person)),
    ("membership.Payment", "membership", lambda person: Q(order__buyer=person)),
]


def collect(person) -> dict[str, list[dict]]:
    """{export file: [{"model", "pk", "fields"}, …]} for everything declared exportable."""
    files: dict[str, list[dict]] = {}
    for label, name, condition in REACHED:
        rows = apps.get_model(label)._default_manager.filter(condition(person)).order_by("pk")
        for item in serializers.serialize("python", rows):
            item["fields"] = {key: value for key, value in item["fields"].items() if key not in SECRETS}
            files.setdefault(name, []).append(item)
    for label, rule in REGISTRY.items():
        if not rule.export:
            continue
        model = apps.get_model(label)
        rows = _rows(model, label, rule, person)
        for item in serializers.serialize("python", rows):
            item["fields"] = {name: value for name, value in item["fields"].items() if name not in SECRETS}
            files.setdefault(rule.export, []).append(item)
    return files


def _uploads(person):
    """(name in the ZIP, storage file) of the person's own uploads."""
    from community.models import PostImage
    from tickets.models import Attachment

    for attachment in Attachment.objects.filter(uploaded_by=person).select_related("ticket"):
        yield f"files/requests/{attachment.ticket.reference}/{attachment.pk}-{attachment.name}", attachment.file
    for image in PostImage.objects.filter(uploader=person):
        yield f"files/community/{image.pk}-{image.file.name.rsplit('/', 1)[-1]}", image.file


def build_zip(person) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        files = collect(person)
        for name, items in sorted(files.items()):
            archive.writestr(f"{name}.json", json.dumps(items, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
            for model_label in sorted({item["model"] for item in items}):
                of_model = [item for item in items if item["model"] == model_label]
                columns = ["pk", *sorted({key for item in of_model for key in item["fields"]})]
                text = io.StringIO()
                writer = csv.writer(text)
                writer.writerow(columns)
                for item in of_model:
                    writer.writerow([item["pk"], *(item["fields"].get(column, "") for column in columns[1:])])
                archive.writestr(f"csv/{model_label}.csv", text.getvalue())
        for name, stored in _uploads(person):
            try:
                with stored.open("rb") as handle:
                    archive.writestr(name, handle.read())
            except (FileNotFoundError, ValueError):
                continue  # a file lost from storage: its record is in the JSON all the same
        archive.writestr(
            "README.txt",
            _("Your data at %(site)s, as of %(when)s. One JSON file per kind of data, a CSV per table, and your files.")
            % {"site": settings.WAGTAILADMIN_BASE_URL, "when": timezone.now().isoformat(timespec="seconds")},
        )
    return buffer.getvalue()


def request_export(person) -> DataExport:
    """Start building a copy of `person`'s data; a request already being prepared is reused."""
    pending = DataExport.objects.filter(person=person, status=DataExport.Status.PENDING).first()
    if pending is not None:
        return pending
    export = DataExport.objects.create(person=person, key=uuid.uuid4())
    record_request(person, DataSubjectRequest.Kind.EXPORT)
    transaction.on_commit(lambda: build_export_task.enqueue(export_id=export.pk))
    return export


@task()
def build_export_task(*, export_id: int) -> None:
    build(export_id)


def build(export_id: int) -> None:
    export = DataExport.objects.select_related("person").filter(pk=export_id, status="pending").first()
    if export is None:
        return  # built already (the task ran twice)
    content = build_zip(export.person)
    export.file.save(f"{export.key}.zip", ContentFile(content), save=False)
    export.size, export.status, export.ready_at = len(content), DataExport.Status.READY, timezone.now()
    export.save(update_fields=["file", "size", "status", "ready_at"])
    close_requests(export.person, DataSubjectRequest.Kind.EXPORT)
    person = export.person
    url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("privacy:download", kwargs={"key": export.key})
    with translation.override(person.locale):
        send_mail(
            subject=_("Your data is ready to download"),
            message=render_to_string("privacy/email/export_ready.txt", {"person": person, "url": url, "days": 7}),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[person.email],
        )


@transaction.atomic
def take(*, key, person) -> DataExport:
    """The export for its download: only its person, only once, only while valid."""
    export = DataExport.objects.select_for_update().filter(key=key).first()
    if export is None or export.person_id != person.pk:
        raise ExportError(_("This download is not yours."))
    if export.status == DataExport.Status.DOWNLOADED:
        raise ExportError(_("This download was used already. Ask for a new copy on your privacy page."))
    if export.status != DataExport.Status.READY:
        raise ExportError(_("This copy is still being prepared. We will e-mail you when it is ready."))
    if timezone.now() > export.expires_at:
        export.status = DataExport.Status.EXPIRED
        export.save(update_fields=["status"])
        raise ExportError(_("This download has expired. Ask for a new copy on your privacy page."))
    export.status, export.downloaded_at = DataExport.Status.DOWNLOADED, timezone.now()
    export.save(update_fields=["status", "downloaded_at"])
    return export


def expire_old(*, now=None) -> int:
    """Delete the files of exports past their week (safe to repeat)."""
    now = now or timezone.now()
    count = 0
    for export in DataExport.objects.exclude(file="").filter(
        requested_at__lt=now - timedelta(days=DataExport.VALID_DAYS)
    ):
        export.file.delete(save=False)
        DataExport.objects.filter(pk=export.pk).update(file="", status=DataExport.Status.EXPIRED)
        count += 1
    return count
