"""The site's frame around the community's pages: the same for every anonymous reader, the
reader's own once they are signed in."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from community import services
from portal.accounts.models import User

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LANGUAGE_LINK = re.compile(r'<a href="(/i18n/setlang/\?[^"]+)" lang="sl"')


def test_anonymous_readers_get_one_page_with_no_token_no_cookie_and_language_links(site, question):
    url = question.get_absolute_url()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page_one, page_two = first.get(url), second.get(url)
    assert page_one.content == page_two.content and not page_one.cookies
    assert page_one["Cache-Control"] == "public, max-age=0, s-maxage=300"
    assert not TOKEN.search(page_one.content.decode())
    link = LANGUAGE_LINK.search(page_one.content.decode()).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(link).query) == {"language": ["sl"], "next": [url]}
    answer = first.get(link)
    assert answer.status_code == 302 and answer["Location"] == url
    assert answer.cookies["portal_language"].value == "sl"
    assert '<html lang="sl">' in first.get(url).content.decode()
    assert '<html lang="en">' in second.get(url).content.decode()  # the page cache keeps each language


def test_a_language_link_from_elsewhere_goes_only_back_to_this_site(client, site):
    response = client.get("/i18n/setlang/?language=sl&next=https://evil.example/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/i18n/setlang/?language=xx&next=/").cookies.get("portal_language") is None


def test_a_signed_in_persons_links_save_their_choice_and_foreign_links_do_not(client, site, question, asker):
    client.force_login(asker)
    html = client.get(question.get_absolute_url()).content.decode()
    assert TOKEN.search(html)  # their page has forms of their own
    link = LANGUAGE_LINK.search(html).group(1).replace("&amp;", "&")
    assert "token=" in link
    client.get(link.replace("token=", "token=forged"))
    assert User.objects.get(pk=asker.pk).locale != "sl"
    client.get(link)
    assert User.objects.get(pk=asker.pk).locale == "sl"


def test_titles_are_escaped_and_the_frame_follows_language_and_person(client, site, questions, asker):
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


def test_messages_after_an_action_are_shown_once(client, site, question, helper):
    client.force_login(helper)
    after = client.post(f"/community/t/{question.pk}/watch/", {"level": "watching"}, follow=True).content.decode()
    assert "Your notification setting is saved." in after
    assert "Your notification setting is saved." not in client.get(question.get_absolute_url()).content.decode()


def test_the_view_beacon_counts_topics_the_reader_may_see_and_no_others(client, site, question, members_only):
    from community.models import Topic
    from community.services import VIEW_FLUSH_EVERY

    lounge = Topic.objects.create(category=members_only, author=question.author, title="Members only", slug="m")
    page = client.get(question.get_absolute_url()).content.decode()
    beacon = f"/community/t/{question.pk}/seen.gif"
    assert f'src="{beacon}"' in page
    for _ in range(VIEW_FLUSH_EVERY):
        response = client.get(beacon)
        assert response["Content-Type"] == "image/gif" and "no-store" in response["Cache-Control"]
        client.get(f"/community/t/{lounge.pk}/seen.gif")  # a visitor may not read it: not counted
    assert Topic.objects.get(pk=question.pk).view_count == VIEW_FLUSH_EVERY
    assert Topic.objects.get(pk=lounge.pk).view_count == 0
