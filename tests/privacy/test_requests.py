"""Admin → Privacy: the queue of data-subject requests, with their deadline, whichever way they came."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse

from portal.privacy.export import request_export
from portal.privacy.models import DataExport, DataSubjectRequest, ErasureRequest
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADD = "wagtailsnippets_privacy_datasubjectrequest:add"
LIST = "wagtailsnippets_privacy_datasubjectrequest:list"


def test_a_download_asked_on_the_portal_is_recorded_and_closed_when_built(customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request_export(customer)
        request_export(customer)
    (recorded,) = DataSubjectRequest.objects.filter(person=customer)
    assert (recorded.kind, recorded.channel, recorded.status) == ("export", "portal", "done")
    assert recorded.due_at - recorded.received_at == timedelta(days=30)
    assert recorded.handled_at is not None


def test_an_agent_records_a_deletion_asked_by_phone_and_it_starts(client, customer, django_capture_on_commit_callbacks):
    agent = UserFactory(role="agent")
    client.force_login(agent)
    assert client.get(reverse(ADD)).status_code == HTTPStatus.OK
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(ADD),
            {"person": customer.pk, "kind": "erasure", "channel": "phone", "note": "Called; checked the date of birth.",
             "status": "open"},
        )  # fmt: skip
    assert response.status_code == HTTPStatus.FOUND
    recorded = DataSubjectRequest.objects.get(person=customer)
    assert (recorded.recorded_by, recorded.channel, recorded.status) == (agent, "phone", "open")
    assert ErasureRequest.objects.get(person=customer).is_pending
    assert any(m.to == [customer.email] and "deleted" in m.subject for m in mail.outbox)
    assert not DataExport.objects.exists()
    admin = UserFactory(role="admin")
    client.force_login(admin)
    listing = client.get(reverse(LIST)).content.decode()
    assert "Deleting their account" in listing and "By phone" in listing


def test_customers_see_no_queue(client, customer):
    client.force_login(customer)
    assert client.get(reverse(LIST)).status_code != HTTPStatus.OK


def test_an_agent_cannot_start_deleting_a_staff_members_account(client, django_capture_on_commit_callbacks):
    agent = UserFactory(role="agent")
    admin = UserFactory(role="admin", email="boss@example.com")
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse(ADD), {"person": admin.pk, "kind": "erasure", "channel": "mail", "status": "open"})
    recorded = DataSubjectRequest.objects.get(person=admin)
    assert "only an admin" in recorded.note
    assert not ErasureRequest.objects.filter(person=admin).exists()
    colleague = UserFactory(role="agent")
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse(ADD), {"person": colleague.pk, "kind": "erasure", "channel": "mail", "status": "open"})
    assert ErasureRequest.objects.filter(person=colleague).exists()


def test_a_consent_file_with_odd_bytes_is_refused_or_skipped_with_a_reason(tmp_path, customer):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from portal.privacy.models import ConsentEvent

    nul = tmp_path / "nul.csv"
    nul.write_text(f"email,purpose,granted\n{customer.email},news\x00letter,yes\n", encoding="utf-8")
    err = StringIO()
    call_command("import_consents", str(nul), stdout=StringIO(), stderr=err)
    assert "line 2: contains a NUL character, skipped" in err.getvalue()
    assert not ConsentEvent.objects.exists()
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("email,purpose,granted\nšž@example.com,newsletter,yes\n".encode("latin-1", "replace") + b"\xff")
    with pytest.raises(CommandError, match="not a readable CSV"):
        call_command("import_consents", str(latin1))
