from http import HTTPStatus

import pytest
from django.conf import settings
from wagtail.models import Locale

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADINGS = {"en": "How can we help?", "sr-latn": "Kako možemo", "sr": "Како можемо", "sl": "Kako vam lahko"}


def test_every_interface_language_has_a_content_locale():
    codes = set(Locale.objects.values_list("language_code", flat=True))
    assert codes >= {code for code, _name in settings.LANGUAGES}


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Search"), ("sr-latn", "Pretraga"), ("sr", "Претрага"), ("sl", "Iskanje")],
)
def test_switching_language_translates_the_interface(client, site, language, expected):
    response = client.post("/i18n/setlang/", {"language": language, "next": "/support/"})
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == "/support/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == language
    html = client.get("/").content.decode()
    assert f'<html lang="{language}">' in html
    assert expected in html


def test_switching_language_remembers_it_for_a_signed_in_person(client, site):
    person = UserFactory()
    client.force_login(person)
    client.post("/i18n/setlang/", {"language": "sl", "next": "/"})
    person.refresh_from_db()
    assert person.locale == "sl"

    # A new browser without the cookie still gets the saved language once signed in.
    client.cookies.clear()
    client.force_login(person)
    assert '<html lang="sl">' in client.get("/support/").content.decode()


def test_unknown_language_is_ignored(client, site):
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert '<html lang="en">' in client.get("/").content.decode()


def test_setlang_refuses_an_offsite_next(client, site):
    response = client.post("/i18n/setlang/", {"language": "sl", "next": "https://evil.example/"})
    assert response.url == "/"


def test_translated_home_page_is_served_in_the_chosen_language(client, db):
    from portal.home.demo import seed_demo

    seed_demo()
    for language, heading in HEADINGS.items():
        client.post("/i18n/setlang/", {"language": language, "next": "/"})
        response = client.get("/", HTTP_HOST="127.0.0.1:8000")
        assert heading in response.content.decode(), language
