from http import HTTPStatus

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_dashboard_needs_sign_in(client, site):
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("account_login"))


def test_dashboard_shows_the_person(customer_client, customer):
    response = customer_client.get(reverse("accounts:dashboard"))
    assert response.status_code == HTTPStatus.OK
    assert customer.email in response.content.decode()


def test_profile_saves_display_name_language_and_time_zone(customer_client, customer):
    response = customer_client.post(
        reverse("accounts:profile"),
        {"display_name": "Kata", "first_name": "", "last_name": "", "locale": "sl", "time_zone": "Europe/Ljubljana"},
    )
    assert response.status_code == HTTPStatus.FOUND
    customer.refresh_from_db()
    assert (customer.display_name, customer.locale, customer.time_zone) == ("Kata", "sl", "Europe/Ljubljana")


@pytest.mark.parametrize(
    ("field", "value"),
    [("time_zone", "Mars/Olympus_Mons"), ("locale", "xx"), ("display_name", "x" * 81)],
)
def test_profile_rejects_bad_input_in_the_page_and_keeps_what_was_stored(customer_client, customer, field, value):
    data = {"display_name": "Kept", "first_name": "", "last_name": "", "locale": "en", "time_zone": "Europe/Belgrade"}
    customer_client.post(reverse("accounts:profile"), data)
    response = customer_client.post(reverse("accounts:profile"), {**data, field: value})
    assert response.status_code == HTTPStatus.OK
    assert b'aria-invalid="true"' in response.content
    customer.refresh_from_db()
    assert customer.display_name == "Kept"
    assert customer.time_zone == "Europe/Belgrade"


def test_times_are_shown_in_the_persons_time_zone(customer_client, customer):
    customer.time_zone = "Asia/Tokyo"
    customer.save()
    response = customer_client.get(reverse("accounts:dashboard"))
    assert response.context["TIME_ZONE"] == "Asia/Tokyo"


def test_time_zone_select_marks_the_saved_zone_and_ties_errors_to_the_field(customer_client, customer):
    html = customer_client.get(reverse("accounts:profile")).content.decode()
    assert '<option value="Europe/Belgrade" selected>Europe/Belgrade</option>' in html
    response = customer_client.post(
        reverse("accounts:profile"),
        {"display_name": "", "first_name": "", "last_name": "", "locale": "en", "time_zone": "Nowhere/City"},
    )
    html = response.content.decode()
    assert 'name="time_zone"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_time_zone_error"' in html


def test_the_country_list_is_in_the_reader_s_language_with_theirs_chosen(customer_client, customer, settings):
    data = {"display_name": "Kata", "first_name": "", "last_name": "", "locale": "sl", "time_zone": "Europe/Ljubljana"}
    assert customer_client.post(reverse("accounts:profile"), {**data, "country": "SI"}).status_code == HTTPStatus.FOUND
    customer.refresh_from_db()
    assert customer.country == "SI"
    html = customer_client.get(reverse("accounts:profile")).content.decode()  # in Slovenian, as chosen
    assert '<option value="SI" selected>Slovenija</option>' in html
    assert html.count("<option value=") > 240 and html.count(" selected>") == 3  # country, language, time zone
    customer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = customer_client.get(reverse("accounts:profile")).content.decode()
    assert '<option value="SI" selected>Slovenia</option>' in html
    response = customer_client.post(reverse("accounts:profile"), {**data, "country": "XX"})
    assert response.status_code == HTTPStatus.OK and b'aria-invalid="true"' in response.content


@pytest.mark.parametrize("country", ["S\x00I", "²", "x" * 100_000, "SI\r\nX", ""])
def test_an_odd_country_is_refused_in_the_page_and_the_stored_one_kept(customer_client, customer, country):
    data = {"display_name": "Kata", "first_name": "", "last_name": "", "locale": "en", "time_zone": "Europe/Ljubljana"}
    customer_client.post(reverse("accounts:profile"), {**data, "country": "SI"})
    response = customer_client.post(reverse("accounts:profile"), {**data, "country": country})
    customer.refresh_from_db()
    if country == "":  # no country is a choice too
        assert response.status_code == HTTPStatus.FOUND and customer.country == ""
    else:
        assert response.status_code == HTTPStatus.OK and b'aria-invalid="true"' in response.content
        assert customer.country == "SI"
