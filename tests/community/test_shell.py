"""The site's shell filled in from a cached frame (themes/shell.py), as the community's pages use it."""

import re

import pytest
from django.core.cache import caches
from django.test import Client

from community import services

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _frames() -> list[str]:
    return [key for key in caches["template_fragments"]._cache if ":shell:" in key]


def test_each_visitor_gets_their_own_working_csrf_token_and_return_address(site, question):
    caches["template_fragments"].clear()
    url = question.get_absolute_url()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page_one = first.get(url).content.decode()
    page_two = second.get(url + "?page=1&period=<b>").content.decode()
    assert len(_frames()) == 1  # one frame served both
    token_one, token_two = TOKEN.findall(page_one)[0], TOKEN.findall(page_two)[0]
    assert token_one != token_two
    assert f'<input name="next" type="hidden" value="{url}">' in page_one
    assert '<input name="next" type="hidden" value="' + url + '?page=1&amp;period=%3Cb%3E">' in page_two
    # The token in the page is the visitor's: the language choice posts with it.
    answer = first.post("/i18n/setlang/", {"language": "sl", "next": url, "csrfmiddlewaretoken": token_one})
    assert answer.status_code == 302
    refused = second.post("/i18n/setlang/", {"language": "sl", "next": url, "csrfmiddlewaretoken": "x" * 64})
    assert refused.status_code == 403


def test_titles_are_escaped_and_the_frame_follows_language_and_person(client, site, questions, asker):
    caches["template_fragments"].clear()
    topic = services.start_topic(category=questions, author=asker, title="<script>alert(1)</script> resets", body="x")
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; resets · Router questions · Acme Help</title>" in html
    assert "<script>alert(1)</script>" not in html
    assert 'href="/accounts/login/">Sign in' in html
    slovenian = client.get(topic.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="sl").content.decode()
    assert '<html lang="sl">' in slovenian and "Skupnost" in slovenian
    client.force_login(asker)
    signed_in = client.get(topic.get_absolute_url()).content.decode()
    assert "Sign in" not in signed_in and 'href="/me/"' in signed_in
    assert len(_frames()) == 3


def test_messages_after_an_action_are_shown_once(client, site, question, helper):
    client.force_login(helper)
    after = client.post(f"/community/t/{question.pk}/watch/", {"level": "watching"}, follow=True).content.decode()
    assert "Your notification setting is saved." in after
    assert "Your notification setting is saved." not in client.get(question.get_absolute_url()).content.decode()
