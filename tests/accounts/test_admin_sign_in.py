"""One sign-in for the whole site: the admin's login, logout and password reset go through allauth.

Each test plays a bypass as a browser would post it (the fields of Wagtail's own login form).
"""

import time
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_admin_login_address_hands_over_to_allauth_keeping_next(client, site):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("account_login") + "?next=%2Fadmin%2Fpages%2F"

    response = client.get("/admin/")
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith("/admin/login/")
    response = client.get(response.url)
    assert response.url.startswith(reverse("account_login"))


def test_a_password_posted_to_the_admin_login_signs_nobody_in(client, site):
    editor = UserFactory(role="editor")
    response = client.post("/admin/login/", {"username": editor.email, "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert not signed_in(client)
    assert client.get("/admin/").status_code == HTTPStatus.FOUND


def test_staff_with_two_factor_needs_the_code_for_the_admin(client, site):
    editor = UserFactory(role="editor", email="editor@example.com")
    secret = generate_totp_secret()
    TOTP.activate(editor, secret)

    # Wagtail's form: nothing.
    client.post("/admin/login/", {"username": editor.email, "password": PASSWORD})
    assert not signed_in(client)

    # allauth's form: the second step is asked for before the admin opens.
    response = client.post(reverse("account_login") + "?next=/admin/", {"login": editor.email, "password": PASSWORD})
    assert response.url == reverse("mfa_authenticate")
    assert client.get("/admin/").status_code == HTTPStatus.FOUND
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_wrong_admin_passwords_are_throttled(client, site):
    editor = UserFactory(role="editor")
    for _attempt in range(30):
        client.post("/admin/login/", {"username": editor.email, "password": "wrong"})
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": editor.email, "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": editor.email, "password": PASSWORD})
    assert b"Too many failed login attempts" in response.content
    assert not signed_in(client)


def test_an_unconfirmed_address_gets_no_session_at_the_admin_or_anywhere(client, site, mailoutbox):
    editor = UserFactory(role="editor", email="new.editor@example.com")
    EmailAddress.objects.filter(user=editor).update(verified=False)

    client.post("/admin/login/", {"username": editor.email, "password": PASSWORD})
    assert not signed_in(client)
    response = client.post(reverse("account_login"), {"login": editor.email, "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert not signed_in(client)
    assert client.get("/support/new/").status_code == HTTPStatus.FOUND
    assert client.get("/admin/").status_code == HTTPStatus.FOUND


def test_wagtails_password_reset_is_off(client, site, mailoutbox):
    editor = UserFactory(role="editor")
    for _attempt in range(3):
        response = client.post("/admin/password_reset/", {"email": editor.email})
        assert response.status_code == HTTPStatus.NOT_FOUND
    assert mailoutbox == []
    # The admin's login page (allauth's) offers allauth's reset instead.
    page = client.get(reverse("account_login")).content.decode()
    assert reverse("account_reset_password") in page
    assert "/admin/password_reset/" not in page


def test_the_admin_logout_is_allauths(client, site):
    editor = UserFactory(role="editor")
    client.force_login(editor)
    response = client.post("/admin/logout/")
    assert response.status_code == HTTPStatus.FOUND
    assert not signed_in(client)


def test_a_customer_sent_away_from_the_admin_lands_in_their_area_not_a_loop(client, site):
    client.force_login(UserFactory(role="customer"))
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/me/"
    assert response.status_code == HTTPStatus.OK
    assert "permission to access the admin" in response.content.decode()


def test_wagtails_page_sign_in_hands_over_to_allauth_and_takes_no_password(client):
    person = UserFactory(role="customer", password="a-long-password-1")
    response = client.post("/_util/login/?next=/help/", {"username": person.email, "password": "a-long-password-1"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=%2Fhelp%2F"
    assert "_auth_user_id" not in client.session
