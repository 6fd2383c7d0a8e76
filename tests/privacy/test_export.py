"""Right of access: a person's data as a ZIP, built in the background, downloaded once, only by them."""

import io
import json
import zipfile
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from community.models import Post
from portal.privacy import export
from portal.privacy.models import DataExport
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def open_zip(content: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(content))


def test_a_person_gets_everything_of_theirs_and_nothing_of_others(person):
    archive = open_zip(export.build_zip(person))
    names = set(archive.namelist())
    for file in ("profile", "requests", "community", "membership", "notifications", "consents", "satisfaction"):
        assert f"{file}.json" in names, file
    requests = json.loads(archive.read("requests.json"))
    bodies = [row["fields"].get("body_source") for row in requests if row["model"] == "tickets.message"]
    assert "Please restart it." in bodies  # the agent's public reply belongs to the conversation
    assert "Customer seems annoyed." not in bodies  # an internal note never leaves the desk
    subjects = [row["fields"].get("subject") for row in requests if row["model"] == "tickets.ticket"]
    assert subjects == ["Router blinks red"]
    profile = json.loads(archive.read("profile.json"))
    user_row = next(row for row in profile if row["model"] == "accounts.user")
    assert user_row["fields"]["email"] == "mila@example.com" and "password" not in user_row["fields"]
    community_rows = json.loads(archive.read("community.json"))
    assert {row["model"] for row in community_rows} >= {"community.topic", "community.post", "community.postvote"}
    assert not any(row["model"] == "community.post" and row["fields"]["author"] != person.pk for row in community_rows)
    assert any(name.startswith("files/requests/") and name.endswith("router.png") for name in names)
    assert "csv/tickets.ticket.csv" in names
    assert Post.objects.filter(author=person).exists()


def test_the_download_is_built_in_the_background_mailed_and_works_once_for_its_person(
    client, person, django_capture_on_commit_callbacks
):
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:export"))
    built = DataExport.objects.get(person=person)
    assert built.status == "ready" and built.size > 0  # the immediate task backend ran it
    (message,) = [m for m in mail.outbox if m.to == ["mila@example.com"] and "ready" in m.subject]
    url = next(line for line in message.body.splitlines() if "/me/privacy/download/" in line).strip()
    path = url.split("testserver", 1)[-1] if "testserver" in url else "/" + url.split("://", 1)[1].split("/", 1)[1]
    intruder = UserFactory(role="customer")
    client.force_login(intruder)
    assert client.get(path).status_code == HTTPStatus.FORBIDDEN
    client.force_login(person)
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK
    assert "attachment" in response["Content-Disposition"]
    assert "profile.json" in open_zip(b"".join(response.streaming_content)).namelist()
    assert client.get(path).status_code == HTTPStatus.FORBIDDEN  # once


def test_an_expired_download_is_refused(client, person, django_capture_on_commit_callbacks):
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:export"))
    built = DataExport.objects.get(person=person)
    DataExport.objects.filter(pk=built.pk).update(ready_at=timezone.now() - timedelta(days=8))
    page = client.get(reverse("privacy:download", kwargs={"key": built.key}))
    assert page.status_code == HTTPStatus.FORBIDDEN and "expired" in page.content.decode()
    DataExport.objects.filter(pk=built.pk).update(requested_at=timezone.now() - timedelta(days=9))
    assert export.expire_old() == 1
    assert export.expire_old() == 0
    assert not DataExport.objects.get(pk=built.pk).file


def test_invoices_and_payments_come_with_the_orders(db, settings):
    from portal.membership.models import MembershipSettings
    from tests.membership.test_billing import ACCOUNT, make_plans, order_for, pay_by_card, subscribe

    rules = MembershipSettings.load()
    rules.bank_account, rules.payee_name = ACCOUNT, "Northwind d.o.o."
    rules.save()
    plan = make_plans()[0]
    member = UserFactory(role="customer")
    order = order_for(subscribe(member, plan, days=5), plan, member)
    pay_by_card(order, member)
    membership = json.loads(open_zip(export.build_zip(member)).read("membership.json"))
    models = {row["model"] for row in membership}
    assert {"membership.order", "membership.invoice", "membership.payment"} <= models
    payment = next(row for row in membership if row["model"] == "membership.payment")
    assert "token" not in payment["fields"] and "extra_data" not in payment["fields"]
