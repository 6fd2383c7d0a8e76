"""Customer records for integrations: admins with members scopes only, and list endpoints whose
query count does not grow with the page."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.accounts.models import Organisation
from portal.api.models import PersonalToken
from portal.membership import points as ledger
from portal.membership.models import PointsEntry
from portal.privacy import consent
from tests.factories import UserFactory
from tickets import services
from tickets.choices import Impact

pytestmark = pytest.mark.django_db


def auth(person, *scopes) -> dict:
    _made, secret = PersonalToken.make(person=person, name="crm", scopes=list(scopes), days=7)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_people_and_their_points_for_admins_only(client):
    acme = Organisation.objects.create(name="Acme", slug="acme", email_domain="acme.example")
    person = UserFactory(role="customer", email="ana@acme.example", organisation=acme)
    ledger.settle(user=person, source="welcome", points=50, reason="purchase")
    admin = auth(UserFactory(role="admin"), "members:read", "members:write")
    found = client.get("/api/v1/people/", {"email__iexact": "ANA@acme.example"}, **admin).json()["results"]
    assert [(row["email"], row["organisation"], row["points"]) for row in found] == [("ana@acme.example", "acme", 50)]
    adjust = {"points": -20, "note": "Goodwill correction", "key": "fix-1"}
    first = client.post(
        f"/api/v1/people/{person.pk}/points/", json.dumps(adjust), content_type="application/json", **admin
    )
    assert first.status_code == 201, first.content
    again = client.post(
        f"/api/v1/people/{person.pk}/points/", json.dumps(adjust), content_type="application/json", **admin
    )
    assert again.status_code == 201
    assert ledger.balance(person) == 30  # the same adjustment twice changes the balance once
    assert PointsEntry.objects.filter(user=person, reason="adjustment").count() == 1
    renamed = client.patch(
        f"/api/v1/people/{person.pk}/", json.dumps({"display_name": "Ana A."}), content_type="application/json", **admin
    )
    assert renamed.json()["display_name"] == "Ana A."
    # An agent has no customer records; a customer neither, whatever their token says.
    assert client.get("/api/v1/people/", **auth(UserFactory(role="agent"), "members:read")).status_code == 403
    assert client.get("/api/v1/people/", **auth(person, "members:read")).status_code == 403
    # Reading does not allow writing.
    reader = auth(UserFactory(role="admin"), "members:read")
    refused = client.post(
        f"/api/v1/people/{person.pk}/points/", json.dumps(adjust), content_type="application/json", **reader
    )
    assert refused.status_code == 403


def test_consents_are_listed_from_the_ledger(client):
    person = UserFactory(role="customer")
    consent.record(person=person, code="newsletter", granted=True, how="form")
    rows = client.get("/api/v1/consents/", **auth(UserFactory(role="admin"), "members:read")).json()["results"]
    assert [(row["person"], row["purpose"], row["granted"]) for row in rows] == [(person.email, "newsletter", True)]


@pytest.mark.parametrize("path", ["/api/v1/people/", "/api/v1/organisations/", "/api/v1/points/", "/api/v1/consents/"])
def test_a_list_asks_the_same_number_of_queries_however_long_it_is(client, path):
    admin = auth(UserFactory(role="admin"), "members:read")
    client.get(path, **admin)
    with CaptureQueriesContext(connection) as few:
        client.get(path, **admin)
    for n in range(6):
        person = UserFactory(role="customer", organisation=Organisation.objects.create(name=f"O{n}", slug=f"o{n}"))
        ledger.settle(user=person, source=f"s{n}", points=n + 1, reason="purchase")
        consent.record(person=person, code="newsletter", granted=True, how="form")
    with CaptureQueriesContext(connection) as many:
        client.get(path, **admin)
    assert len(many) == len(few)


def test_the_request_list_endpoint_asks_a_fixed_number_of_queries(client, customer, request_type):
    _made, secret = PersonalToken.make(person=customer, name="t", scopes=["requests:read"], days=7)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def add(count):
        for n in range(count):
            services.open_ticket(
                requester=customer, request_type=request_type, subject=f"R{n}", description="…", impact=Impact.MINOR,
                fields={"version": "2"},
            )  # fmt: skip

    add(2)
    client.get("/api/v1/requests/", **headers)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/requests/", **headers)
    add(10)
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/requests/", **headers)
    assert len(many) == len(few)
