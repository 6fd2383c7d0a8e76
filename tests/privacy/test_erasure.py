"""Right to be forgotten: asked after signing in again, cancellable during the grace period, then
the account is anonymised following the registry and the community's threads stay readable."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from community.models import Post, PostVote, Topic
from portal.privacy import erasure
from portal.privacy.models import ConsentEvent, ErasureRequest
from tests.factories import PASSWORD
from tickets.models import Attachment, Message, Ticket

pytestmark = pytest.mark.django_db


def test_asking_needs_a_fresh_sign_in_and_the_email_link_cancels(client, person, django_capture_on_commit_callbacks):
    client.force_login(person)
    page = client.get(reverse("privacy:delete_account"))
    assert page.status_code == HTTPStatus.FOUND and "reauthenticate" in page["Location"]
    client.post(page["Location"], {"password": PASSWORD})  # signs in again with the password
    page = client.get(reverse("privacy:delete_account"))
    assert page.status_code == HTTPStatus.OK and "Kept as they are" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:delete_account"))
        client.post(reverse("privacy:delete_account"))  # twice: one request
    request = ErasureRequest.objects.get(person=person)
    assert request.due_at.date() == (timezone.now() + timedelta(days=14)).date()
    (message,) = [m for m in mail.outbox if m.to == ["mila@example.com"] and "deleted" in m.subject]
    path = reverse("privacy:cancel_erasure", args=[request.cancel_key])
    assert path in message.body
    client.logout()
    assert client.get(path).status_code == HTTPStatus.OK  # a mail scanner's visit cancels nothing
    assert ErasureRequest.objects.get().is_pending
    client.post(path)
    assert not ErasureRequest.objects.get().is_pending
    assert erasure.erase_due(now=timezone.now() + timedelta(days=30)) == 0


def test_erasure_follows_the_registry_and_threads_stay_readable(client, person):
    topic = Topic.objects.get(author=person)
    upload = Attachment.objects.get(uploaded_by=person)
    stored = upload.file
    ticket = Ticket.objects.get(requester=person)
    erasure.request_erasure(person)
    assert erasure.erase_due() == 0  # still in its grace period
    assert erasure.erase_due(now=timezone.now() + timedelta(days=15)) == 1
    assert erasure.erase_due(now=timezone.now() + timedelta(days=15)) == 0
    person.refresh_from_db()
    assert person.display_name == "Former member" and "mila" not in person.email
    assert not person.is_active and not person.has_usable_password()
    assert not EmailAddress.objects.filter(user=person).exists()
    # Deleted: own uploads (the file too), votes.
    assert not Attachment.objects.filter(pk=upload.pk).exists() and not stored.storage.exists(stored.name)
    assert not PostVote.objects.filter(user=person).exists()
    # Kept without identity: the request and its conversation, the topic and its posts, the consent proof.
    assert Ticket.objects.filter(pk=ticket.pk, requester=person).exists()
    assert Message.objects.filter(ticket=ticket).exists()
    assert Post.objects.filter(topic=topic, author=person).exists()
    assert ConsentEvent.objects.filter(person=person).exists()
    page = client.get(topic.get_absolute_url())
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    assert "Former member" in html and "Mila" not in html
    client.force_login(person)  # even a forced session cannot act: the account is inactive
    assert client.get(reverse("privacy:privacy")).status_code != HTTPStatus.OK


def person_rows(model, rule, person):
    from django.db.models import Q

    condition = Q(pk__in=[])
    for name in rule.fields:
        condition |= Q(**{name: person})
    return model._default_manager.filter(condition)


def test_every_declared_model_is_exported_and_erased_as_the_registry_says(person):
    """Model by model: what the person has of each kind is in the export; after erasure, what is to
    go is gone and what is to stay stays."""
    import io
    import json
    import zipfile

    from django.apps import apps
    from django.contrib.auth import get_user_model

    from portal.privacy import export
    from portal.privacy.registry import REGISTRY

    archive = zipfile.ZipFile(io.BytesIO(export.build_zip(person)))
    exported = {
        row["model"] for name in archive.namelist() if name.endswith(".json") for row in json.loads(archive.read(name))
    }
    before = {}
    for label, rule in REGISTRY.items():
        model = apps.get_model(label)
        if model is get_user_model():
            continue
        count = person_rows(model, rule, person).count()
        before[label] = count
        if count and rule.export:
            assert label.lower() in exported, f"{label}: the person has rows but the export has none"
    assert len([label for label, count in before.items() if count]) >= 15  # data of many kinds
    erasure.erase(person)
    for label, rule in REGISTRY.items():
        model = apps.get_model(label)
        if model is get_user_model():
            continue
        left = person_rows(model, rule, person).count()
        if rule.erase == "delete":
            assert left == 0, f"{label}: should be deleted"
        elif rule.erase in ("anonymise", "keep"):
            assert left == before[label], f"{label}: should stay, without the person's identity"


def test_a_setting_removes_the_text_of_their_posts(person):
    from portal.privacy.models import RetentionSettings

    settings_obj = RetentionSettings.load()
    settings_obj.erase_post_text = True
    settings_obj.save()
    erasure.erase(person)
    assert set(Post.objects.filter(author=person).values_list("body_source", flat=True)) == {"(removed)"}
