"""Addresses stay on the host and port the visitor used, whatever the Site records say."""

from django.core.management import call_command
from django.test import Client
from wagtail.models import Site

from portal.addresses import absolute, page_path

HOST = "testserver:8123"  # the default site's host on a port its Site record does not name


def test_feedback_redirects_stay_on_the_requests_host(kb, other_site):
    assert kb.public.url.startswith("http://testserver/")  # two sites: Wagtail's own url is absolute
    visitor = Client(HTTP_HOST=HOST)
    response = visitor.post(f"/help/feedback/{kb.public.pk}/", {"helpful": "yes"})
    assert response.status_code == 302
    assert response["Location"] == page_path(kb.public) + "#feedback"
    assert response["Location"].startswith("/help/")
    response = visitor.post(f"/help/feedback/{kb.public.pk}/", {"helpful": "no"})
    assert response["Location"].startswith("/")
    response = visitor.post(f"/help/feedback/{kb.public.pk}/", {"reason": "unclear", "comment": "?"})
    assert response["Location"] == page_path(kb.public) + "#feedback"


def test_following_redirects_stay_on_the_requests_host(kb, other_site, customer):
    visitor = Client(HTTP_HOST=HOST)
    visitor.force_login(customer)
    response = visitor.post(f"/help/follow/{kb.public.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/help/")


def test_canonical_links_name_the_host_and_port_that_served_the_page(kb, other_site):
    html = Client(HTTP_HOST=HOST).get(page_path(kb.public)).content.decode()
    assert f'<link rel="canonical" href="http://{HOST}{page_path(kb.public)}">' in html


def test_absolute_addresses_come_from_the_request_then_the_site_then_the_setting(kb, other_site, rf, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://portal.example"
    assert absolute("/x/", request=rf.get("/", HTTP_HOST=HOST)) == f"http://{HOST}/x/"
    assert absolute("/x/", site=other_site) == "http://brand-two.test/x/"
    assert absolute("/x/") == "https://portal.example/x/"
    assert absolute("https://elsewhere.example/y") == "https://elsewhere.example/y"


def test_the_demo_is_addressed_on_the_port_it_is_started_on(db, capsys):
    call_command("seed_demo", port=8123)
    assert set(Site.objects.values_list("port", flat=True)) == {8123}
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8123/" in out and "http://nordlight.localhost:8123/" in out and ":8000" not in out
