"""The signed-in person comes from the cache, and never outlives a change to their row."""

import pytest
from django.contrib.auth import get_user_model

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(client):
    user = UserFactory(role="customer", password="a-long-password-1")
    client.force_login(user)
    assert client.get("/me/").status_code == 200  # the first request reads and caches the user
    return user


def test_a_signed_in_request_reads_no_user_row(client, person, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/me/").status_code == 200
    assert not [q for q in queries.captured_queries if 'FROM "accounts_user"' in q["sql"]]


def test_a_deactivated_person_is_signed_out_at_once(client, person):
    person.is_active = False
    person.save()
    response = client.get("/me/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_changed_password_signs_other_sessions_out(client, person):
    person.set_password("another-long-password-2")
    person.save()
    assert client.get("/me/").status_code == 302


def test_a_deleted_person_is_signed_out(client, person):
    get_user_model().objects.filter(pk=person.pk).delete()  # the queryset's delete sends post_delete per row
    assert client.get("/me/").status_code == 302


def test_a_changed_name_shows_at_once(client, person):
    person.display_name = "Renamed Person"
    person.save()
    assert "Renamed Person" in client.get("/me/profile/").content.decode()


def test_a_process_own_memory_keeps_the_person_only_briefly(settings):
    """Without a shared cache other processes never hear of a change: their copy must expire soon."""
    from portal.accounts import backends

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert backends.user_cache_seconds() == backends.LOCAL_USER_CACHE_SECONDS <= 10
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:6379/0"}}
    assert backends.user_cache_seconds() == backends.USER_CACHE_SECONDS
