import json
import re
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import Page

from knowledge_base.models import ArticlePage, HelpIndexPage, KnowledgeBasePage, SectionPage
from portal.membership.models import Subscription
from tests.factories import UserFactory

from .conftest import add_article, publish

pytestmark = pytest.mark.django_db


def test_page_tree_is_constrained():
    assert set(ArticlePage.allowed_parent_page_models()) == {SectionPage, KnowledgeBasePage}
    assert SectionPage in SectionPage.allowed_parent_page_models()
    assert HelpIndexPage not in SectionPage.allowed_parent_page_models()
    assert KnowledgeBasePage.allowed_parent_page_models() == [HelpIndexPage]
    assert ArticlePage.allowed_subpage_models() == []


def test_knowledge_base_slug_cannot_hide_a_view(kb):
    page = KnowledgeBasePage(title="Feedback", slug="feedback")
    with pytest.raises(ValidationError):
        page.full_clean()


def reader(kind):
    if kind == "visitor":
        return None
    person = UserFactory(role="customer")
    if kind == "member":
        Subscription.objects.create(holder=person, ends_at=timezone.now() + timezone.timedelta(days=30))
    if kind == "staff":
        person = UserFactory(role="editor")
    return person


@pytest.mark.parametrize(
    ("kind", "sees_customers", "sees_members"),
    [("visitor", False, False), ("customer", True, False), ("member", True, True), ("staff", True, True)],
)
def test_audience_decides_who_reads_and_lists_an_article(client, kb, kind, sees_customers, sees_members):
    person = reader(kind)
    if person:
        client.force_login(person)
    expected = {kb.customers_only: sees_customers, kb.members_only: sees_members, kb.public: True}
    section_html = client.get(kb.section.url).content.decode()
    for article, visible in expected.items():
        status = client.get(article.url).status_code
        assert status == (HTTPStatus.OK if visible else HTTPStatus.NOT_FOUND), (kind, article.title)
        assert (article.title in section_html) is visible, (kind, article.title)
        search_html = client.get("/search/", {"q": article.title}).content.decode()
        assert (f">{article.title}</a>" in search_html) is visible, (kind, article.title)
        suggested = client.get("/search/suggest/", {"q": article.title[:12]}).json()["results"]
        assert (article.title in [item["title"] for item in suggested]) is visible, (kind, article.title)
    related_html = client.get(kb.public.url).content.decode()
    assert (kb.members_only.title in related_html) is sees_members


def test_expired_subscription_is_not_membership(client, kb):
    person = UserFactory()
    Subscription.objects.create(
        holder=person,
        starts_at=timezone.now() - timezone.timedelta(days=60),
        ends_at=timezone.now() - timezone.timedelta(days=1),
    )
    client.force_login(person)
    assert client.get(kb.members_only.url).status_code == HTTPStatus.NOT_FOUND


def test_organisation_subscription_covers_its_members(client, kb):
    from tests.factories import OrganisationFactory

    company = OrganisationFactory()
    person = UserFactory(organisation=company)
    Subscription.objects.create(organisation=company, ends_at=timezone.now() + timezone.timedelta(days=5))
    client.force_login(person)
    assert client.get(kb.members_only.url).status_code == HTTPStatus.OK


def test_sitemap_lists_public_pages_only(client, kb):
    xml = client.get("/sitemap.xml").content.decode()
    assert kb.public.url in xml
    assert kb.customers_only.url not in xml
    assert kb.members_only.url not in xml


def test_article_has_toc_meta_canonical_breadcrumbs_and_neighbours(client, kb):
    html = client.get(kb.public.url).content.decode()
    anchors = re.findall(r'<h[23] id="(h-[0-9a-f]{8})"', html)
    assert len(anchors) == 2
    for anchor in anchors:
        assert f'href="#{anchor}"' in html
    assert '<meta name="description" content="Summary of Set up the router.">' in html
    assert f'<link rel="canonical" href="{kb.public.full_url}">' in html
    assert 'aria-label="Breadcrumb"' in html and ">Getting started</a>" in html
    assert 'rel="next"' in html and kb.second.title in html


def test_related_articles_put_the_editors_choice_first(client, kb):
    response = client.get(kb.public.url)
    related = [link["title"] for link in response.context["related"]]
    assert related[0] == kb.third.title  # chosen by the editor
    assert kb.second.title in related  # shares the "wifi" tag
    assert kb.public.title not in related


def test_faq_page_has_faqpage_json_ld(client, kb):
    html = client.get(kb.faq.url).content.decode()
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "FAQPage"
    assert [q["name"] for q in data["mainEntity"]] == ["Does it work with fibre?", "Is there a fee?"]
    assert data["mainEntity"][0]["acceptedAnswer"]["text"] == "Yes, with any modem."


def test_knowledge_base_shows_sections_featured_and_promoted(client, kb):
    from knowledge_base.models import FeaturedArticle

    FeaturedArticle.objects.create(knowledge_base=kb.kb, article=kb.second)
    FeaturedArticle.objects.create(knowledge_base=kb.kb, article=kb.members_only)
    kb.third.promoted = True
    publish(kb.third)
    response = client.get(kb.kb.url)
    assert response.context["featured"] == [kb.second]  # the members-only one is hidden from visitors
    assert response.context["promoted"] == [kb.third]
    assert "Getting started" in response.content.decode()


@pytest.mark.parametrize("extra", [0, 6])
def test_article_query_count_does_not_grow_with_related_items(client, kb, extra, django_assert_max_num_queries):
    for n in range(extra):
        article = add_article(kb.section, f"Extra wifi article {n}", tags=["wifi"])
        kb.public.related_links.create(related=article)
    from django.core.cache import cache

    client.cookies["sessionid"] = "none"  # a session cookie: no whole-page cache
    client.get(kb.public.url)
    with django_assert_max_num_queries(9):  # sidebar and body from the cache
        client.get(kb.public.url)
    cache.clear()
    with django_assert_max_num_queries(24):  # everything computed afresh (the aimed content box too)
        client.get(kb.public.url)


@pytest.mark.parametrize("extra", [0, 6])
def test_section_query_count_does_not_grow_with_articles(client, kb, extra, django_assert_num_queries):
    for n in range(extra):
        add_article(kb.section, f"More {n}")
    client.cookies["sessionid"] = "none"
    client.get(kb.section.url)
    # Wagtail finds the site, the home page in the language, routes (the page by its address, then
    # its specific row) and checks view restrictions its own way (about half of these); the count
    # does not grow with the articles listed.
    with django_assert_num_queries(14):
        client.get(kb.section.url)


def test_anonymous_pages_come_from_the_page_cache_until_a_publish(client, kb, django_assert_num_queries):
    first = client.get(kb.public.url)
    assert first["X-Page-Cache"] == "miss"
    assert first["Cache-Control"] == "public, max-age=0, s-maxage=300"
    assert "csrfmiddlewaretoken" not in first.content.decode() and not first.cookies
    with django_assert_num_queries(0):
        second = client.get(kb.public.url)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content

    kb.public.title = "Set up the router (new)"
    publish(kb.public)
    third = client.get(kb.public.url)
    assert third["X-Page-Cache"] == "miss"
    assert "Set up the router (new)" in third.content.decode()


def test_a_view_restriction_applies_on_the_next_request(client, kb):
    from wagtail.models import PageViewRestriction

    assert client.get(kb.public.url)["X-Page-Cache"] == "miss"
    assert client.get(kb.public.url)["X-Page-Cache"] == "hit"
    PageViewRestriction.objects.create(page=kb.public, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(kb.public.url)
    assert response.status_code == HTTPStatus.FOUND and "/accounts/login/" in response["Location"]
    PageViewRestriction.objects.filter(page=kb.public).delete()
    assert client.get(kb.public.url).status_code == HTTPStatus.OK


def test_signed_in_readers_and_visitors_with_a_session_are_never_served_from_the_cache(client, kb):
    client.get(kb.public.url)
    client.force_login(kb.owner)
    response = client.get(kb.public.url)
    assert "X-Page-Cache" not in response and "public" not in response.get("Cache-Control", "")
    assert "csrfmiddlewaretoken" in response.content.decode()  # the follow button


def test_an_anonymous_answer_needs_no_token_and_a_signed_in_one_does(kb):
    from django.test import Client

    visitor = Client(enforce_csrf_checks=True)
    visitor.get(kb.public.url)
    response = visitor.post(f"/help/feedback/{kb.public.pk}/", {"helpful": "yes"})
    assert response.status_code == HTTPStatus.FOUND
    person = Client(enforce_csrf_checks=True)
    person.force_login(kb.owner)
    assert person.post(f"/help/feedback/{kb.public.pk}/", {"helpful": "yes"}).status_code == HTTPStatus.FORBIDDEN


def test_missing_translation_falls_back_with_a_notice_and_switch_goes_to_translation(client, kb):
    from wagtail.models import Locale

    locale = Locale.objects.get(language_code="sl")
    home_sl = kb.help_index.get_parent().copy_for_translation(locale)
    publish(home_sl.specific)
    help_sl = kb.help_index.copy_for_translation(locale)
    publish(help_sl.specific)
    kb_sl = kb.kb.copy_for_translation(locale)
    publish(kb_sl.specific)
    section_sl = kb.section.copy_for_translation(locale)
    section_sl.title = "Prvi koraki"
    publish(section_sl.specific)
    article_sl = kb.second.copy_for_translation(locale).specific
    article_sl.title = "Sprememba gesla Wi-Fi"
    article_sl.slug = "sprememba-gesla"
    publish(article_sl)

    response = client.post("/i18n/setlang/", {"language": "sl", "next": kb.second.url, "page": kb.second.pk})
    assert response.url.endswith("/sprememba-gesla/")
    html = client.get(response.url).content.decode()
    assert "Sprememba gesla Wi-Fi" in html
    # An article without a Slovenian version is shown in English, with a notice.
    response = client.get(kb.third.url)
    assert response.status_code == HTTPStatus.OK
    assert "Update the firmware" in response.content.decode()
    assert response.wsgi_request.translation_missing


def test_a_page_that_does_not_exist_in_any_language_is_404(client, kb):
    assert client.get("/help/router-ax3/no-such-article/").status_code == HTTPStatus.NOT_FOUND


def test_writers_cannot_publish_and_editors_can(kb):
    from django.contrib.auth.models import Group

    writer = UserFactory()
    writer.groups.add(Group.objects.get(name="Writers"))
    editor = UserFactory(role="editor")
    assert kb.public.permissions_for_user(writer).can_edit()
    assert not kb.public.permissions_for_user(writer).can_publish()
    assert kb.public.permissions_for_user(editor).can_publish()


def test_writer_publish_attempt_in_the_admin_leaves_the_live_page_alone(client, kb):
    from django.contrib.auth.models import Group
    from wagtail.models import Workflow

    writer = UserFactory()
    writer.groups.add(Group.objects.get(name="Writers"))
    client.force_login(writer)
    assert Workflow.objects.get(name="Review and publish").active
    page = Page.objects.get(pk=kb.public.pk).specific
    assert page.get_workflow().name == "Review and publish"
    edit_url = f"/admin/pages/{page.pk}/edit/"
    response = client.get(edit_url)
    assert response.status_code == HTTPStatus.OK
    assert 'name="action-publish"' not in response.content.decode()
    assert 'name="action-submit"' in response.content.decode()


def test_popular_articles_follow_views_and_the_readers_audience(client, kb):
    from knowledge_base.models import ArticleDailyViews

    ArticleDailyViews.objects.create(article=kb.members_only, day=timezone.localdate(), views=50)
    ArticleDailyViews.objects.create(article=kb.third, day=timezone.localdate(), views=20)
    visitor_popular = client.get(kb.help_index.url).context["popular"]
    assert visitor_popular[0] == kb.third
    assert kb.members_only not in visitor_popular

    member = reader("member")
    client.force_login(member)
    member_popular = client.get(kb.help_index.url).context["popular"]
    assert member_popular[0] == kb.members_only


def test_review_and_publish_round_trip(kb):
    """A writer's change waits for an editor: request changes, resubmit, approve → live."""
    from django.contrib.auth.models import Group

    writer = UserFactory()
    writer.groups.add(Group.objects.get(name="Writers"))
    editor = UserFactory(role="editor")
    page = ArticlePage.objects.get(pk=kb.second.pk)
    page.title = "Change the Wi-Fi password (reviewed)"
    revision = page.save_revision(user=writer)
    workflow = page.get_workflow()
    assert workflow.name == "Review and publish"

    state = workflow.start(page, writer)
    task_state = state.current_task_state
    assert editor in task_state.task.specific.groups.get().user_set.all()
    assert [a[0] for a in task_state.task.specific.get_actions(page, writer)] == []
    assert "approve" in [a[0] for a in task_state.task.specific.get_actions(page, editor)]

    task_state.task.specific.on_action(task_state, editor, "reject")
    page.refresh_from_db()
    assert page.title == "Change the Wi-Fi password"  # the live page is unchanged

    state.refresh_from_db()
    assert state.status == "needs_changes"
    page.title = "Change the Wi-Fi password (reviewed)"
    revision = page.save_revision(user=writer)
    state.resume(writer)
    state.refresh_from_db()
    state.current_task_state.task.specific.on_action(state.current_task_state, editor, "approve")
    page.refresh_from_db()
    assert page.title == "Change the Wi-Fi password (reviewed)"
    assert page.live_revision.pk == revision.pk


def test_unpublished_or_moved_pages_leave_the_route_cache(client, kb):
    assert client.get(kb.second.url).status_code == HTTPStatus.OK
    old_url = kb.second.url
    kb.second.unpublish()
    client.cookies.clear()
    assert client.get(old_url).status_code == HTTPStatus.NOT_FOUND

    assert client.get(kb.third.url).status_code == HTTPStatus.OK
    old_url = kb.third.url
    kb.third.move(kb.subsection, pos="last-child")
    client.cookies.clear()
    moved = ArticlePage.objects.get(pk=kb.third.pk)
    response = client.get(old_url)  # Wagtail leaves a redirect behind a moved page
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response.url == moved.full_url
    assert client.get(moved.url).status_code == HTTPStatus.OK


def test_suggestions_answer_json_with_title_kind_and_url(client, kb):
    results = client.get("/search/suggest/", {"q": "Router quest"}).json()["results"]
    assert {"title": "Router questions", "kind": "faq", "url": "/help/router-ax3/router-questions/"} in results
    results = client.get("/search/suggest/", {"q": "Set up the rou"}).json()["results"]
    assert {
        "title": "Set up the router",
        "kind": "article",
        "url": "/help/router-ax3/getting-started/set-up-the-router/",
    } in results
    assert client.get("/search/suggest/", {"q": "a"}).json()["results"] == []  # too short to suggest


def test_view_restrictions_apply_at_once_to_the_page_its_descendants_and_aliases(client, kb):
    """Pages outside every restricted branch skip Wagtail's restriction query; a restriction added,
    an alias made of a restricted page, or a restriction removed takes effect on the next request."""
    from wagtail.models import PageViewRestriction

    url = kb.public.url
    assert client.get(url).status_code == 200
    restriction = PageViewRestriction.objects.create(page=kb.section, restriction_type=PageViewRestriction.LOGIN)
    client.cookies.clear()
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    other_section = SectionPage(title="Elsewhere", slug="elsewhere")
    kb.kb.add_child(instance=other_section)
    publish(other_section)
    # An alias answers to the restrictions of its source page itself (Wagtail's rule).
    PageViewRestriction.objects.create(page=kb.second, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(other_section.url).status_code == 200  # the restriction map is read before the alias exists
    alias = kb.second.create_alias(parent=other_section, update_slug="wifi-alias")
    client.cookies.clear()
    assert client.get(alias.url).status_code == 302
    assert client.get(other_section.url).status_code == 200
    restriction.delete()
    client.cookies.clear()
    assert client.get(url).status_code == 200


def test_the_language_switch_never_reveals_a_members_only_article(client, kb):
    from wagtail.models import Locale

    locale = Locale.objects.get(language_code="sl")
    for page in (kb.help_index.get_parent(), kb.help_index, kb.kb, kb.section):
        publish(page.copy_for_translation(locale).specific)
    from knowledge_base.choices import Audience

    secret = add_article(kb.section, "Members router secrets", audience=Audience.MEMBERS)
    secret_sl = secret.copy_for_translation(locale).specific
    secret_sl.slug = "skrivnosti-za-clane"
    publish(secret_sl)

    response = client.post("/i18n/setlang/", {"language": "sl", "next": "/", "page": secret.pk})
    assert response.status_code == HTTPStatus.FOUND
    assert "skrivnosti" not in response.url and response.url == "/"
    for odd in ("²", "٣", "1" * 30, "\x00"):
        response = client.post("/i18n/setlang/", {"language": "sl", "next": "/", "page": odd})
        assert response.status_code == HTTPStatus.FOUND and response.url == "/"
    # A member is taken to the translation.
    client.force_login(reader("member"))
    response = client.post("/i18n/setlang/", {"language": "sl", "next": "/", "page": secret.pk})
    assert response.url.endswith("/skrivnosti-za-clane/")


def test_a_page_from_the_cache_carries_every_header_the_rendered_one_did(client, kb):
    ignored = {"x-page-cache", "date", "set-cookie", "content-length", "x-request-id"}
    rendered = client.get(kb.public.url)
    cached = client.get(kb.public.url)
    assert (rendered["X-Page-Cache"], cached["X-Page-Cache"]) == ("miss", "hit")
    assert rendered["X-Request-ID"] != cached["X-Request-ID"]  # each answer its own, never the stored one
    assert cached["X-Frame-Options"] == "SAMEORIGIN"
    assert {k.lower(): v for k, v in rendered.items() if k.lower() not in ignored} == {
        k.lower(): v for k, v in cached.items() if k.lower() not in ignored
    }
