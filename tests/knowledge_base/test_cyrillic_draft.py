"""An editor drafts the Cyrillic version of a Serbian Latin article: names stay Latin, nothing is published."""

from http import HTTPStatus

import pytest
from wagtail.models import Locale

from knowledge_base.models import ArticlePage
from tests.factories import UserFactory

from .conftest import publish

pytestmark = pytest.mark.django_db


def latin_copy(page, fields: dict):
    latin = Locale.objects.get(language_code="sr-latn")
    copy = page.copy_for_translation(latin, copy_parents=True).specific
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save()
    return publish(copy)


@pytest.fixture
def latin_article(kb):
    section = kb.public.get_parent().specific
    cyrillic = Locale.objects.get(language_code="sr")
    latin_copy(section, {"title": "Prvi koraci"})
    section.get_translation(Locale.objects.get(language_code="sr-latn")).copy_for_translation(
        cyrillic, copy_parents=True
    )
    body = [
        ("paragraph", "<p>Povežite Router AX3 sa modemom preko WAN porta.</p>"),
        ("heading", {"text": "Koraci", "level": "h2"}),
        ("steps", {"steps": [{"title": "Otvorite https://192.168.1.1 i unesite šifru za Wi-Fi.", "detail": ""}]}),
    ]
    return latin_copy(kb.public, {"title": "Podešavanje Wi-Fi mreže", "summary": "Džep i ljubav", "body": body})


def test_an_editor_drafts_the_cyrillic_version(client, kb, latin_article):
    client.force_login(kb.owner)
    edit = client.get(f"/admin/pages/{latin_article.pk}/edit/").content.decode()
    assert "Draft in Cyrillic" in edit
    url = f"/admin/pages/{latin_article.pk}/cyrillic-draft/"
    assert client.get(url).status_code == HTTPStatus.OK
    response = client.post(url)
    draft = ArticlePage.objects.get(locale__language_code="sr", translation_key=latin_article.translation_key)
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == f"/admin/pages/{draft.pk}/edit/"
    assert not draft.live  # a draft for the editor to read, not a published page
    assert draft.title == "Подешавање Wi-Fi мреже" and draft.summary == "Џеп и љубав"
    body = str(draft.body)
    assert "Повежите Router AX3 са модемом преко WAN порта." in body
    assert "Кораци" in body and "https://192.168.1.1" in body and "шифру за Wi-Fi" in body
    assert draft.get_latest_revision() is not None
    # A second time changes nothing and says why.
    again = client.post(url, follow=True)
    assert "already has a Cyrillic version" in again.content.decode()
    assert (
        ArticlePage.objects.filter(locale__language_code="sr", translation_key=latin_article.translation_key).count()
        == 1
    )


def test_only_latin_pages_and_only_editors(client, kb, latin_article):
    client.force_login(kb.owner)
    response = client.post(f"/admin/pages/{kb.public.pk}/cyrillic-draft/", follow=True)  # an English page
    assert "Only a page in Serbian (Latin)" in response.content.decode()
    assert "Draft in Cyrillic" not in client.get(f"/admin/pages/{kb.public.pk}/edit/").content.decode()
    client.force_login(UserFactory(role="customer"))
    assert client.post(f"/admin/pages/{latin_article.pk}/cyrillic-draft/").status_code == HTTPStatus.FOUND  # to sign in
    assert not ArticlePage.objects.filter(locale__language_code="sr", translation_key=latin_article.translation_key)
    client.force_login(UserFactory(role="agent"))
    assert client.post(f"/admin/pages/{latin_article.pk}/cyrillic-draft/").status_code in (302, 403)
    assert not ArticlePage.objects.filter(locale__language_code="sr", translation_key=latin_article.translation_key)
