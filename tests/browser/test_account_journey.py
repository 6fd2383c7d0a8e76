"""A person signs up, verifies, signs in and out, and turns on two-factor — in Chromium."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def totp_code(secret: str, offset: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def test_sign_up_verify_login_and_two_factor(page, live_site, mailoutbox, screenshot):
    base = live_site.url

    page.goto(base + "/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Email").fill("mira@example.com")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^Password \(again\):?$")).fill(PASSWORD)
    screenshot(page, "signup-1280")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))

    confirm_link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mailoutbox[-1].body).group(0)
    page.goto(confirm_link)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r"/me/$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hello")

    # Sign out and back in.
    page.get_by_role("button", name="Sign out").first.click()
    if page.get_by_role("button", name="Sign Out").count():
        page.get_by_role("button", name="Sign Out").click()
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill("mira@example.com")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/me/$"))

    # Two-factor: confirm the password, scan (read) the secret, enter a code.
    page.get_by_role("link", name="Two-factor authentication").first.click()
    page.get_by_role("link", name="Activate").first.click()
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    secret = page.locator("#authenticator_secret").input_value()
    assert len(secret) >= 16
    screenshot(page, "mfa-activate-1280")
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url(re.compile(r"/recovery-codes/"))
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) >= 5

    # Now signing in asks for the code.
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill("mira@example.com")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/2fa/authenticate/"))
    page.get_by_label("Code").fill(totp_code(secret, offset=1))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/me/$"))
    screenshot(page, "dashboard-1280")


def test_the_admin_signs_in_through_the_sites_form_with_two_factor(page, live_site, mailoutbox):
    """Wagtail's own login form is gone: a browser posting the password there gets no session, and
    an editor with two-factor reaches the admin only after the code."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from tests.factories import UserFactory

    base = live_site.url
    editor = UserFactory(role="editor", email="guarded.editor@example.com")
    secret = generate_totp_secret()
    TOTP.activate(editor, secret)

    page.goto(base + "/admin/login/")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert page.locator("#id_username").count() == 0
    # A form posted straight to the old address, as a script or an old bookmark would.
    with page.expect_navigation():
        page.evaluate(
            """([email, password]) => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = "/admin/login/";
                for (const [name, value] of [["username", email], ["password", password],
                    ["csrfmiddlewaretoken", document.querySelector("[name=csrfmiddlewaretoken]").value]]) {
                    const input = document.createElement("input");
                    input.name = name;
                    input.value = value;
                    form.append(input);
                }
                document.body.append(form);
                form.submit();
            }""",
            [editor.email, PASSWORD],
        )
    assert "/accounts/login/" in page.url  # sent to the one sign-in form, not signed in
    page.goto(base + "/admin/")
    page.wait_for_url(re.compile(r"/accounts/login/\?next=%2Fadmin%2F$"))

    page.locator("#id_login").fill(editor.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.goto(base + "/admin/")
    page.wait_for_url(re.compile(r"/accounts/"))
    assert page.url.removeprefix(base) != "/admin/"
    page.goto(base + "/accounts/2fa/authenticate/")
    page.get_by_label(re.compile("Authenticator code|Code")).fill(totp_code(secret))
    page.get_by_role("button", name=re.compile("Sign In|Sign in")).click()
    page.wait_for_url(re.compile(r"/admin/$"))
    assert page.get_by_role("heading", level=1).count()
