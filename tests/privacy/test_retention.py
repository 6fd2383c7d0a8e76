"""Retention: what is past its period goes, once, and nothing else."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.privacy.models import RetentionSettings
from portal.privacy.retention import apply_retention
from portal.search.models import SearchLog
from portal.uploads import check_upload
from tests.factories import UserFactory
from tests.tickets.conftest import PNG
from tickets import services
from tickets.choices import Impact, Status
from tickets.models import Attachment, InboundEmail, InboundStatus, Ticket

pytestmark = pytest.mark.django_db


def png(name):
    return check_upload(SimpleUploadedFile(name, PNG, content_type="image/png"), max_bytes=10_000_000)


def test_each_kind_goes_after_its_period_and_a_second_run_deletes_nothing(request_type, agent, customer):
    now = timezone.now()
    long_ago = now - timedelta(days=400)
    old = services.open_ticket(
        requester=customer, request_type=request_type, subject="Old", description="…", impact=Impact.MINOR,
        fields={"version": "2"}, files=[png("old.png")], now=long_ago,
    )  # fmt: skip
    services.add_agent_reply(ticket=old, agent=agent, body="Done.", status=Status.SOLVED, now=long_ago)
    recent = services.open_ticket(
        requester=customer, request_type=request_type, subject="New", description="…", impact=Impact.MINOR,
        fields={"version": "2"}, files=[png("new.png")],
    )  # fmt: skip
    old_file = Attachment.objects.get(ticket=old).file
    InboundEmail.objects.create(raw=b"x", status=InboundStatus.PROCESSED, received_at=now - timedelta(days=100))
    InboundEmail.objects.create(raw=b"x", status=InboundStatus.QUARANTINED, received_at=now - timedelta(days=100))
    InboundEmail.objects.create(raw=b"x", status=InboundStatus.PROCESSED, received_at=now)
    SearchLog.objects.create(
        query="old", normalised="old", language="en", results=1, created_at=now - timedelta(days=200)
    )
    SearchLog.objects.create(query="new", normalised="new", language="en", results=1)
    User = type(customer)
    never_confirmed = UserFactory(role="customer", email="ghost@example.com")
    EmailAddress.objects.update_or_create(
        user=never_confirmed, email="ghost@example.com", defaults={"verified": False, "primary": True}
    )
    wrote_by_mail = UserFactory(role="customer", email="mailer@example.com")
    User.objects.filter(pk__in=[never_confirmed.pk, wrote_by_mail.pk]).update(
        date_joined=now - timedelta(days=40), last_login=None
    )
    EmailAddress.objects.filter(user=wrote_by_mail).update(verified=False)
    Ticket.objects.filter(pk=recent.pk).update(requester=wrote_by_mail)

    assert apply_retention(now=now) == {
        "request files": 1,
        "incoming e-mail": 1,
        "searches": 1,
        "unverified accounts": 1,
    }
    assert list(Attachment.objects.values_list("ticket_id", flat=True)) == [recent.pk]
    assert not old_file.storage.exists(old_file.name)
    assert InboundEmail.objects.filter(status=InboundStatus.QUARANTINED).exists()
    assert not User.objects.filter(email="ghost@example.com").exists()
    assert User.objects.filter(pk=wrote_by_mail.pk).exists()
    assert User.objects.filter(pk=customer.pk).exists()  # confirmed (or signed in): kept
    assert set(apply_retention(now=now).values()) == {0}


def test_zero_keeps_for_ever():
    settings_obj = RetentionSettings.load()
    settings_obj.search_log_days = 0
    settings_obj.save()
    SearchLog.objects.create(
        query="x", normalised="x", language="en", results=1, created_at=timezone.now() - timedelta(days=9999)
    )
    assert "searches" not in apply_retention()
    assert SearchLog.objects.count() == 1
