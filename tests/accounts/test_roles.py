from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group

from portal.accounts.roles import (
    ADMIN,
    AGENT,
    CUSTOMER,
    EDITOR,
    MODERATOR,
    ROLE_GROUPS,
    has_role,
    is_staff_member,
    role_codes,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_role_group_exists_after_migrations():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLE_GROUPS.values())


@pytest.mark.parametrize(
    ("role", "can_reach_admin"),
    [(CUSTOMER, False), (MODERATOR, True), (AGENT, True), (EDITOR, True), (ADMIN, True)],
)
def test_only_staff_roles_reach_the_admin(client, site, role, can_reach_admin):
    user = UserFactory(role=role)
    client.force_login(user)
    response = client.get("/admin/")
    if can_reach_admin:
        assert response.status_code == HTTPStatus.OK
    else:
        assert response.status_code == HTTPStatus.FOUND
        assert "/admin/login/" in response.url
    assert is_staff_member(user) is can_reach_admin


def test_anonymous_visitors_are_sent_to_the_admin_login(client, site):
    response = client.get("/admin/")
    assert response.status_code == HTTPStatus.FOUND
    assert "/admin/login/" in response.url


def test_editors_may_publish_pages_and_customers_may_not(site):
    editor = UserFactory(role=EDITOR)
    customer = UserFactory(role=CUSTOMER)
    home = site.root_page.specific
    assert home.permissions_for_user(editor).can_publish()
    assert home.permissions_for_user(editor).can_edit()
    assert not home.permissions_for_user(customer).can_edit()


def test_admins_may_edit_branding_and_users_and_editors_may_not():
    admin = UserFactory(role=ADMIN)
    editor = UserFactory(role=EDITOR)
    assert admin.has_perm("themes.change_brandingsettings")
    assert admin.has_perm("accounts.change_user")
    assert not editor.has_perm("themes.change_brandingsettings")
    assert not editor.has_perm("accounts.change_user")


def test_role_codes_and_superusers():
    person = UserFactory(role=AGENT)
    assert role_codes(person) == {AGENT}
    assert has_role(person, AGENT)
    assert not has_role(person, ADMIN)
    boss = UserFactory(is_superuser=True)
    assert has_role(boss, ADMIN)
