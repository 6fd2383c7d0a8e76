"""Sign-up → verify → sign in → sign out → reset → change e-mail and password → two-factor."""

import re
import time
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from portal.accounts.models import User
from portal.accounts.roles import ROLE_GROUPS
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a different horse 42 staple"


def link_in(message, path_fragment: str) -> str:
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_fragment) + r"[^\s]*)", message.body)
    assert match, message.body
    return match.group(1)


def totp_code(secret: str, offset: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def test_sign_up_sends_a_branded_verification_email_and_verifying_signs_in(client, site, mailoutbox):
    response = client.post(
        reverse("account_signup"),
        {"email": "Nina@Example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == HTTPStatus.FOUND
    user = User.objects.get(email__iexact="nina@example.com")
    assert not EmailAddress.objects.get(user=user).verified
    assert user.groups.filter(name=ROLE_GROUPS["customer"]).exists()

    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject.startswith("[Acme Help]")
    confirm_path = link_in(mailoutbox[0], "/accounts/confirm-email/")

    # Not signed in until the address is verified.
    assert client.get(reverse("accounts:dashboard")).status_code == HTTPStatus.FOUND

    response = client.post(confirm_path)
    assert response.status_code == HTTPStatus.FOUND
    assert EmailAddress.objects.get(user=user).verified
    assert client.get(reverse("accounts:dashboard")).status_code == HTTPStatus.OK


def test_sign_up_with_mismatched_passwords_shows_the_error_in_the_page(client, site):
    response = client.post(
        reverse("account_signup"),
        {"email": "someone@example.com", "password1": PASSWORD, "password2": "something else"},
    )
    assert response.status_code == HTTPStatus.OK
    assert b'aria-invalid="true"' in response.content
    assert not User.objects.filter(email="someone@example.com").exists()


def test_login_by_email_case_insensitively_and_logout(client, site):
    user = UserFactory(email="lara@example.com")
    response = client.post(reverse("account_login"), {"login": "LARA@example.com", "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == "/me/"
    assert client.get("/me/").context["user"] == user

    response = client.post(reverse("account_logout"))
    assert response.status_code == HTTPStatus.FOUND
    assert client.get("/me/").status_code == HTTPStatus.FOUND


def test_repeated_failed_logins_are_rate_limited(client, site):
    UserFactory(email="target@example.com")
    for _attempt in range(5):
        response = client.post(reverse("account_login"), {"login": "target@example.com", "password": "wrong"})
        assert response.status_code == HTTPStatus.OK
    # Even the right password is refused while the limit holds.
    response = client.post(reverse("account_login"), {"login": "target@example.com", "password": PASSWORD})
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client, site, mailoutbox):
    user = UserFactory(email="forgetful@example.com")
    response = client.post(reverse("account_reset_password"), {"email": "forgetful@example.com"})
    assert response.status_code == HTTPStatus.FOUND
    reset_path = link_in(mailoutbox[-1], "/accounts/password/reset/key/")

    response = client.get(reset_path, follow=True)
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else reset_path
    response = client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_change_password_and_email(client, site, mailoutbox):
    user = UserFactory(email="mover@example.com")
    client.force_login(user)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    response = client.post(reverse("account_email"), {"action_add": "", "email": "moved@example.com"})
    assert response.status_code == HTTPStatus.FOUND
    confirm_path = link_in(mailoutbox[-1], "/accounts/confirm-email/")
    client.post(confirm_path)
    user.refresh_from_db()
    assert user.email == "moved@example.com"
    assert EmailAddress.objects.get(user=user, email="moved@example.com").verified


def test_two_factor_with_totp_and_recovery_codes(client, site):
    user = UserFactory(email="careful@example.com")
    client.post(reverse("account_login"), {"login": "careful@example.com", "password": PASSWORD})

    # Turning on two-factor asks for the password again first.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.url.startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == HTTPStatus.OK
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == HTTPStatus.FOUND
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    recovery = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    codes = recovery.wrap().get_unused_codes()
    assert len(codes) >= 5

    client.post(reverse("account_logout"))

    # The password alone no longer signs in: a second step is asked for.
    response = client.post(reverse("account_login"), {"login": "careful@example.com", "password": PASSWORD})
    assert response.url == reverse("mfa_authenticate")
    assert client.get("/me/").status_code == HTTPStatus.FOUND
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == HTTPStatus.OK
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret, offset=1)})
    assert response.status_code == HTTPStatus.FOUND
    assert client.get("/me/").status_code == HTTPStatus.OK

    # A recovery code works once.
    client.post(reverse("account_logout"))
    client.post(reverse("account_login"), {"login": "careful@example.com", "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == HTTPStatus.FOUND
    assert client.get("/me/").status_code == HTTPStatus.OK
