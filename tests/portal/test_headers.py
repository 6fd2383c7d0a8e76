"""Security headers on every answer, rendered or from the page cache."""

from http import HTTPStatus

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_page_has_a_strict_policy_and_the_admin_a_wider_one(client, site):
    for path in ("/", "/community/", "/support/", "/accounts/login/", "/search/?q=x"):
        response = client.get(path)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, path
        assert "object-src 'none'" in policy and "frame-ancestors 'self'" in policy
    cached = client.get("/")
    assert cached["Content-Security-Policy"] == client.get("/")["Content-Security-Policy"]
    client.force_login(UserFactory(role="admin", is_superuser=True))
    admin = client.get("/admin/")["Content-Security-Policy"]
    assert "'unsafe-inline'" in admin and "object-src 'none'" in admin and "gravatar" not in admin


def test_no_page_carries_an_inline_style_or_script(client, site):
    page = client.get("/").content.decode()
    assert "<style" not in page and "style=" not in page
    assert "<script>" not in page


def test_the_brand_colour_comes_from_a_stylesheet_named_by_its_colour(client, site):
    page = client.get("/").content.decode()
    assert '<link rel="stylesheet" href="/brand.css?c=1f5fbf">' in page
    response = client.get("/brand.css?c=1f5fbf")
    assert response.status_code == HTTPStatus.OK and response["Content-Type"].startswith("text/css")
    assert response.content.decode().strip() == ":root { --brand: #1f5fbf; }"
    assert "immutable" in response["Cache-Control"]
    for bad in ("", "red", "1f5fbf;}body{", "%00", "12345"):
        assert client.get("/brand.css", {"c": bad}).status_code == HTTPStatus.BAD_REQUEST
