"""The unread count in the account menu: from the cache, and right after every change."""

import pytest
from django.test import TestCase
from django.urls import reverse

from portal.notifications import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def badge(client) -> str:
    html = client.get(reverse("accounts:dashboard")).content.decode()
    item = html[html.index(f'href="{reverse("notifications:list")}"') :].split("</li>", 1)[0]  # the menu entry
    start = item.find('<span class="badge">')
    return "" if start < 0 else item[start + len('<span class="badge">') :].split("<", 1)[0]


def test_the_unread_count_follows_new_notifications_and_reading_them(client, site, django_assert_max_num_queries):
    person = UserFactory(role="customer")
    client.force_login(person)
    assert badge(client) == ""
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.notify(recipients=[person], kind="test", title="A reply", email=False)
    assert badge(client) == "1"
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.notify(recipients=[person, UserFactory()], kind="test", title="Another", email=False)
    assert badge(client) == "2"
    with django_assert_max_num_queries(0):
        assert services.unread_count(person) == 2  # kept
    client.post(reverse("notifications:mark_all_read"))
    assert badge(client) == ""
