"""OAuth 2 for apps: the authorization-code flow with PKCE for an app acting for a person, and
client credentials for a server integration; the token's scopes bound what the app may do."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlparse

import pytest
from oauth2_provider.models import get_application_model

from tests.factories import UserFactory
from tickets import services
from tickets.choices import Impact

pytestmark = pytest.mark.django_db
Application = get_application_model()
REDIRECT = "https://app.example/callback"


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


@pytest.fixture
def app(db):
    return Application.objects.create(
        name="Phone app",
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT,
        user=UserFactory(role="admin"),
    )


def authorize(client, app, person, scope: str, challenge: str) -> str:
    client.force_login(person)
    query = {
        "response_type": "code", "client_id": app.client_id, "redirect_uri": REDIRECT, "scope": scope,
        "code_challenge": challenge, "code_challenge_method": "S256", "state": "xyz",
    }  # fmt: skip
    consent = client.get("/o/authorize/", query)
    assert consent.status_code == 200, consent.content
    assert b"Read your support requests" in consent.content or b"requests:read" in consent.content
    allowed = client.post("/o/authorize/", {**query, "allow": "Authorize"})
    assert allowed.status_code == 302, allowed.content
    target = urlparse(allowed["Location"])
    assert target.geturl().startswith(REDIRECT)
    params = parse_qs(target.query)
    assert params["state"] == ["xyz"]
    client.logout()
    return params["code"][0]


def test_an_app_acts_for_a_person_within_the_scopes_they_allowed(client, app, customer, request_type):
    services.open_ticket(
        requester=customer, request_type=request_type, subject="Mine", description="…", impact=Impact.MINOR,
        fields={"version": "2"},
    )  # fmt: skip
    verifier, challenge = pkce()
    code = authorize(client, app, customer, "requests:read", challenge)
    wrong = client.post(
        "/o/token/", {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                      "client_id": app.client_id, "code_verifier": "not-the-verifier-" + "x" * 30},
    )  # fmt: skip
    assert wrong.status_code == 400  # PKCE: the code alone is not enough
    code = authorize(client, app, customer, "requests:read", challenge)
    issued = client.post(
        "/o/token/", {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                      "client_id": app.client_id, "code_verifier": verifier},
    )  # fmt: skip
    assert issued.status_code == 200, issued.content
    access = {"HTTP_AUTHORIZATION": f"Bearer {issued.json()['access_token']}"}
    listed = client.get("/api/v1/requests/", **access)
    assert listed.status_code == 200 and [row["subject"] for row in listed.json()["results"]] == ["Mine"]
    # Reading was allowed, filing was not.
    refused = client.post("/api/v1/requests/", {"type": request_type.pk}, **access)
    assert refused.status_code == 403


def test_pkce_is_required(client, app, customer):
    client.force_login(customer)
    answer = client.get(
        "/o/authorize/", {"response_type": "code", "client_id": app.client_id, "redirect_uri": REDIRECT,
                          "scope": "requests:read"},
    )  # fmt: skip
    assert answer.status_code in {302, 400}
    if answer.status_code == 302:
        assert "error=" in answer["Location"]


def test_a_server_integration_uses_client_credentials(client, request_type):
    owner = UserFactory(role="agent")
    secret = "s3cret-" + secrets.token_urlsafe(24)
    server = Application.objects.create(
        name="CRM sync",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
        user=owner,
    )
    issued = client.post(
        "/o/token/", {"grant_type": "client_credentials", "scope": "desk"},
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(f"{server.client_id}:{secret}".encode()).decode(),
    )  # fmt: skip
    assert issued.status_code == 200, issued.content
    access = {"HTTP_AUTHORIZATION": f"Bearer {issued.json()['access_token']}"}
    answer = client.get("/api/v1/desk/requests/", **access)
    assert answer.status_code == 200, answer.content


def test_only_admins_register_applications(client, customer):
    client.force_login(customer)
    assert client.get("/o/applications/").status_code == 404
    assert client.get("/o/applications/register/").status_code == 404
    assert client.post("/o/register/", {}, content_type="application/json").status_code == 404
    assert client.get("/o/.well-known/oauth-authorization-server").status_code == 200
