from http import HTTPStatus

import pytest

from portal.accounts.models import Organisation, User
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, site):
    client.force_login(UserFactory(role="admin", is_superuser=True))
    return client


def test_admin_edits_a_persons_portal_fields(admin_client):
    company = OrganisationFactory(name="Acme d.o.o.", slug="acme")
    person = UserFactory(email="zoran@example.com")
    url = f"/admin/users/edit/{person.pk}/"
    html = admin_client.get(url).content.decode()
    assert 'name="display_name"' in html
    assert 'name="organisation"' in html
    response = admin_client.post(
        url,
        {
            "email": "zoran@example.com",
            "first_name": "Zoran",
            "last_name": "",
            "display_name": "Zoki",
            "locale": "sr",
            "time_zone": "Europe/Belgrade",
            "organisation": company.pk,
            "is_organisation_admin": "on",
            "is_active": "on",
            "groups": [],
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.context["form"].errors
    person.refresh_from_db()
    assert (person.display_name, person.locale, person.organisation, person.is_organisation_admin) == (
        "Zoki",
        "sr",
        company,
        True,
    )


def test_admin_lists_people_by_name(admin_client):
    UserFactory(email="named@example.com", display_name="Named Person")
    assert "Named Person" in admin_client.get("/admin/users/").content.decode()


def test_admin_manages_organisations(admin_client):
    response = admin_client.post(
        "/admin/snippets/accounts/organisation/add/",
        {"name": "Beta LLC", "slug": "beta", "email_domain": "beta.example"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Organisation.objects.filter(slug="beta").exists()


def test_user_manager_normalises_and_requires_email():
    user = User.objects.create_user("Someone@EXAMPLE.com", "pw-123456789")
    assert user.email == "Someone@example.com"
    with pytest.raises(ValueError):
        User.objects.create_user("", "pw")
    boss = User.objects.create_superuser("boss@example.com", "pw-123456789")
    assert boss.is_staff and boss.is_superuser


def test_email_is_unique_regardless_of_case():
    from django.db import IntegrityError, transaction

    User.objects.create_user("same@example.com", "x")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("SAME@example.com", "x")
