"""Sign-in with a company account, end to end over real HTTP: Portal's own OpenID Connect
provider (django-oauth-toolkit) on one host name plays the company's identity server, and allauth
on another host name of the same live server signs the person in with it. No part is mocked."""

import re

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from oauth2_provider.models import get_application_model

from portal.accounts.models import Organisation
from tests.factories import UserFactory

PASSWORD = "a-long-Passw0rd-for-tests"


def private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def sign_in(session: requests.Session, base: str, email: str, password: str) -> requests.Response:
    page = session.get(f"{base}/accounts/login/")
    return session.post(
        f"{base}/accounts/login/",
        {"csrfmiddlewaretoken": csrf(page.text), "login": email, "password": password},
        headers={"Referer": f"{base}/accounts/login/"},
    )


@pytest.fixture
def identity(live_site, settings):
    """The company's identity server at 127.0.0.1, the portal at localhost, the same person in both."""
    port = live_site.url.rsplit(":", 1)[1]
    idp, portal = f"http://127.0.0.1:{port}", f"http://localhost:{port}"
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OIDC_ENABLED": True,
        "OIDC_RSA_PRIVATE_KEY": private_key(),
        # The live server speaks plain HTTP on 127.0.0.1; production allows https:// only.
        "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
        "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": False,
    }
    Application = get_application_model()
    secret = "company-secret-0123456789abcdef"
    app = Application.objects.create(
        name="Portal", client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE, client_secret=secret,
        redirect_uris=f"{portal}/accounts/oidc/company/login/callback/", algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )  # fmt: skip
    SocialApp.objects.create(
        provider="openid_connect", provider_id="company", name="Company account", client_id=app.client_id,
        secret=secret, settings={"server_url": f"{idp}/o", "oauth_pkce_enabled": True},
    )  # fmt: skip
    person = UserFactory(role="customer", email="ana@acme.example", display_name="Ana Acme")
    person.set_password(PASSWORD)
    person.save()
    EmailAddress.objects.update_or_create(user=person, email=person.email, defaults={"verified": True, "primary": True})
    return {"idp": idp, "portal": portal, "person": person}


def test_a_person_signs_in_with_their_company_account(identity):
    browser = requests.Session()
    at_company = sign_in(browser, identity["idp"], "ana@acme.example", PASSWORD)
    assert at_company.status_code == 200 and "/me/" in at_company.url
    assert not browser.cookies.get("sessionid", domain="localhost.local")  # not signed in to the portal yet
    start = browser.get(f"{identity['portal']}/accounts/oidc/company/login/")
    assert start.status_code == 200 and "Company account" in start.text
    landed = browser.post(
        f"{identity['portal']}/accounts/oidc/company/login/",
        {"csrfmiddlewaretoken": csrf(start.text)},
        headers={"Referer": f"{identity['portal']}/accounts/oidc/company/login/"},
    )
    assert landed.status_code == 200, landed.text[:500]
    assert landed.url.startswith(f"{identity['portal']}/me/")
    assert "Ana Acme" in landed.text
    linked = SocialAccount.objects.get(provider="company")
    assert linked.user == identity["person"]


def test_an_organisation_can_require_its_own_sign_in(identity):
    Organisation.objects.create(name="Acme", slug="acme", email_domain="acme.example", sso_provider="company")
    browser = requests.Session()
    refused = sign_in(browser, identity["portal"], "ana@acme.example", PASSWORD)
    assert "/accounts/login/" in refused.url
    assert "Acme signs in with its company account" in refused.text and "Company account" in refused.text
    assert "/me/" not in refused.url
