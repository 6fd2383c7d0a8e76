"""The signed-in person is read from the database on each request: no copy outlives a change."""

import pytest
from django.contrib.auth import get_user_model

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(client):
    user = UserFactory(role="customer", password="a-long-password-1")
    client.force_login(user)
    assert client.get("/me/").status_code == 200
    return user


def test_an_account_deactivated_by_a_bulk_update_is_signed_out_at_once(client, person):
    get_user_model().objects.filter(pk=person.pk).update(is_active=False)  # sends no signals
    response = client.get("/me/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_changed_password_signs_other_sessions_out(client, person):
    person.set_password("another-long-password-2")
    get_user_model().objects.filter(pk=person.pk).update(password=person.password)
    assert client.get("/me/").status_code == 302


def test_a_changed_name_shows_at_once(client, person):
    get_user_model().objects.filter(pk=person.pk).update(display_name="Renamed Person")
    assert "Renamed Person" in client.get("/me/profile/").content.decode()
