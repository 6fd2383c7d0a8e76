"""The forum's pages as people use them: who sees what, forms and bad input, query budgets."""

import json
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from community import services
from community.choices import PostState
from community.models import Category, Post, Topic
from portal.membership.models import Subscription
from portal.search.models import SuggestionOpened
from tests.factories import PASSWORD, UserFactory

from .conftest import committed, forget_limits, trusted

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


def member(user):
    Subscription.objects.create(holder=user, ends_at=timezone.now() + timedelta(days=30))
    return user


@pytest.fixture
def lounge_topic(members_only, moderator):
    return services.start_topic(category=members_only, author=moderator, title="Early firmware 5.0", body="Beta")


# --- Who sees what -----------------------------------------------------------------------------


def test_the_front_page_lists_categories_and_latest_topics_a_visitor_may_read(client, site, question, lounge_topic):
    page = client.get("/community/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Router questions" in html and question.title in html
    assert "Members&#x27; lounge" not in html and lounge_topic.title not in html


def test_members_and_staff_find_members_only_topics_on_the_front_page(client, site, question, lounge_topic, asker):
    # The front page's SQL is built once per set of readable audiences: each set gets its own.
    assert lounge_topic.title not in client.get("/community/?page=1").content.decode()
    assert lounge_topic.title not in signed_in(client, asker).get("/community/?page=1").content.decode()
    member(asker)
    asker = type(asker).objects.get(pk=asker.pk)
    html = signed_in(client, asker).get("/community/?page=1").content.decode()
    assert lounge_topic.title in html and question.title in html
    client.logout()
    assert lounge_topic.title not in client.get("/community/?page=1").content.decode()


def test_a_category_lists_its_published_topics_pinned_first_over_its_pages(
    client, site, questions, question, asker, newcomer, moderator
):
    people = _people(3)
    for person in people:
        trusted(person)
    for n in range(31):
        forget_limits()
        services.start_topic(category=questions, author=people[n % 3], title=f"Listed topic {n:02}", body="x")
    waiting = services.start_topic(category=questions, author=newcomer, title="Waiting topic", body="x")
    assert waiting.state == PostState.PENDING
    services.set_topic_flag(topic=question, actor=moderator, pinned=True)
    first = client.get("/community/c/router/").content.decode()
    second = client.get("/community/c/router/?page=2").content.decode()
    titles = re.findall(r'class="topic-row__title"><a href="[^"]+">([^<]+)</a>', first)
    assert titles[0] == question.title and titles[1] == "Listed topic 30" and len(titles) == 30
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    later = re.findall(r'class="topic-row__title"><a href="[^"]+">([^<]+)</a>', second)
    assert later == ["Listed topic 01", "Listed topic 00"]
    assert "Waiting topic" not in first + second
    # The same rows whichever way the first page is asked for.
    assert client.get("/community/c/router/?page=1&view=latest").content.decode().count("topic-row__title") == 30
    # Pages are counted by the category's counter: hiding two topics leaves one page of 30.
    for topic in Topic.objects.filter(title__in=["Listed topic 00", "Listed topic 01"]):
        with committed():
            services.hide_post(post=topic.posts.get(is_opening=True), actor=moderator, reason="Spam")
    fewer = client.get("/community/c/router/").content.decode()
    assert fewer.count("topic-row__title") == 30 and "Page 1 of" not in fewer


def test_members_only_topics_answer_404_to_everyone_else(client, site, lounge_topic, asker):
    url = lounge_topic.get_absolute_url()
    assert client.get(url).status_code == 404
    assert signed_in(client, asker).get(url).status_code == 404
    assert client.get(reverse("community:category", args=["lounge"])).status_code == 404
    member(asker)
    asker = type(asker).objects.get(pk=asker.pk)
    assert signed_in(client, asker).get(url).status_code == 200


def test_a_waiting_topic_is_seen_by_its_author_and_moderators_only(
    client, site, questions, newcomer, moderator, helper
):
    topic = services.start_topic(category=questions, author=newcomer, title="Waiting for review", body="Hi")
    url = topic.get_absolute_url()
    assert client.get(url).status_code == 404
    assert signed_in(client, helper).get(url).status_code == 404
    own = signed_in(client, newcomer).get(url)
    assert own.status_code == 200 and "Waiting for a moderator" in own.content.decode()
    assert signed_in(client, moderator).get(url).status_code == 200
    assert "Waiting for review" not in client.get("/community/latest/").content.decode()


def test_a_topic_url_with_a_wrong_slug_redirects_to_the_right_one(client, site, question):
    response = client.get(f"/community/t/{question.pk}/old-title/")
    assert response.status_code == 302 and response["Location"] == question.get_absolute_url()
    assert client.get(f"/community/t/{question.pk}/").status_code == 302
    assert client.get("/community/t/999999/x/").status_code == 404
    assert client.get("/community/nonsense/").status_code == 404
    # Ids past every integer column's range (the topic is read through SQL built once, not the ORM).
    for pk in ("2147483648", "9223372036854775808", "99999999999999999999"):
        assert client.get(f"/community/t/{pk}/x/").status_code == 404


def test_lists_narrow_as_named(client, site, question, questions, asker, helper):
    forget_limits()
    solved = services.start_topic(category=questions, author=asker, title="Solved one", body="x")
    answer = services.reply(topic=solved, author=helper, body="This")
    services.accept_solution(topic=solved, post=answer, actor=asker)
    question.tags.set(["wifi"])
    unanswered = client.get("/community/unanswered/").content.decode()
    assert question.title in unanswered and "Solved one" not in unanswered
    only_solved = client.get("/community/solved/").content.decode()
    assert "Solved one" in only_solved and question.title not in only_solved
    tagged = client.get("/community/tags/wifi/").content.decode()
    assert question.title in tagged and "Solved one" not in tagged
    assert client.get("/community/top/?period=week").status_code == 200
    assert client.get("/community/top/?period=bogus&page=-1").status_code == 200
    assert client.get("/community/latest/?page=99999").status_code == 200


# --- Writing -----------------------------------------------------------------------------------


def test_starting_a_topic_from_the_form(client, site, questions, asker):
    client = signed_in(client, asker)
    form = client.get("/community/new/?category=router")
    assert form.status_code == 200 and 'data-suggest-field="title"' in form.content.decode()
    response = client.post(
        "/community/new/",
        {"category": questions.pk, "title": "Cannot open port 443", "body": "Where is **NAT**?", "tags": "nat, ports"},
    )
    topic = Topic.objects.get(title="Cannot open port 443")
    assert response.status_code == 302 and response["Location"] == topic.get_absolute_url()
    assert set(topic.tags.names()) == {"nat", "ports"}
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "<strong>NAT</strong>" in page


def test_bad_topic_input_gets_a_message_and_stores_nothing(client, site, questions, announcements, asker):
    client = signed_in(client, asker)
    cases = [
        {"category": questions.pk, "title": "", "body": "x"},
        {"category": questions.pk, "title": "Long enough", "body": ""},
        {"category": announcements.pk, "title": "Not allowed here", "body": "x"},
        {"category": "999999", "title": "Unknown category", "body": "x"},
        {"category": questions.pk, "title": "Bot post", "body": "x", "website": "http://spam.example"},
        {"category": questions.pk, "title": "x" * 300, "body": "x"},
        {"category": questions.pk, "title": "Huge post", "body": "a" * 100_000},
    ]
    for data in cases:
        response = client.post("/community/new/", data)
        assert response.status_code == 400, data
        assert 'class="errorlist' in response.content.decode() or "form-errors" in response.content.decode()
    assert not Topic.objects.exists()


def test_preview_shows_the_rendered_post_and_similar_content_without_javascript(client, site, question, helper):
    client = signed_in(client, helper)
    with committed():
        services.reply(topic=question, author=helper, body="Fix the channel")
    from portal.search import service

    service.rebuild(backend=service.database)
    response = client.post(
        "/community/new/",
        {"category": question.category_id, "title": "Wi-Fi drops", "body": "Same *here*", "preview": "1"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<em>here</em>" in html
    assert "Wi-Fi drops every evening" in html  # the similar topic, found by search
    assert not Topic.objects.filter(title="Wi-Fi drops").exists()


def test_a_reply_with_bad_input_keeps_the_page_and_says_why(client, site, question, helper):
    client = signed_in(client, helper)
    response = client.post(reverse("community:reply", args=[question.pk]), {"body": "   "})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode() or "Write something" in response.content.decode()
    response = client.post(reverse("community:reply", args=[question.pk]), {"body": "Real answer", "reply_to": "abc"})
    assert response.status_code == 400
    response = client.post(reverse("community:reply", args=[question.pk]), {"body": "Real answer"})
    post = Post.objects.get(body_source="Real answer")
    assert response.status_code == 302 and response["Location"] == f"/community/p/{post.pk}/"
    assert client.get(response["Location"])["Location"].endswith(f"#post-{post.pk}")


def test_visitors_are_asked_to_sign_in_to_write(client, site, question):
    assert client.get("/community/new/").status_code == 302
    response = client.post(reverse("community:reply", args=[question.pk]), {"body": "anonymous"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "to reply" in client.get(question.get_absolute_url()).content.decode()


def test_quote_reply_prefills_the_quoted_text(client, site, question, helper):
    opening = question.posts.get()
    # The empty reply form is kept as a fragment: a quote or a refused reply is never served from it.
    empty = signed_in(client, helper).get(question.get_absolute_url()).content.decode()
    assert 'name="body"' in empty and "It drops at 8 pm" not in empty.split('id="reply"')[1]
    html = signed_in(client, helper).get(f"{question.get_absolute_url()}?quote={opening.pk}").content.decode()
    assert "&gt; It drops at 8 pm. Why?" in html
    refused = client.post(reverse("community:reply", args=[question.pk]), {"body": ""}).content.decode()
    assert "field--invalid" in refused
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sl"
    assert "Vaš odgovor" in client.get(question.get_absolute_url()).content.decode()  # one fragment per language
    assert signed_in(client, helper).get(f"{question.get_absolute_url()}?quote=abc").status_code == 200


def test_votes_work_as_forms_and_as_json(client, site, question, asker, helper):
    answer = services.reply(topic=question, author=helper, body="An answer")
    client = signed_in(client, asker)
    url = reverse("community:vote", args=[answer.pk])
    response = client.post(url, {"value": "1", "next": question.get_absolute_url()})
    assert response.status_code == 302 and response["Location"] == question.get_absolute_url()
    answer.refresh_from_db()
    assert answer.score == 1
    response = client.post(url, {"value": "0"}, headers={"Accept": "application/json"})
    assert response.json() == {"score": 0, "value": 0}
    assert client.post(url, {"value": "5"}).status_code == 400
    response = client.post(url, {"value": "1", "next": "//evil.example/"})
    assert response["Location"] == answer.get_absolute_url()
    own = reverse("community:vote", args=[question.posts.get(is_opening=True).pk])
    assert client.post(own, {"value": "1"}, headers={"Accept": "application/json"}).status_code == 400


def test_the_asker_accepts_from_the_page_and_others_cannot(client, site, question, asker, helper):
    answer = services.reply(
        topic=question, author=helper, body="The **answer**: see [the guide](https://example.com/g)."
    )
    url = reverse("community:accept", args=[question.pk])
    signed_in(client, helper).post(url, {"post": answer.pk})
    question.refresh_from_db()
    assert not question.is_solved
    signed_in(client, asker).post(url, {"post": answer.pk})
    question.refresh_from_db()
    assert question.accepted_post == answer
    assert client.post(url, {"post": "999999"}).status_code == 400
    page = client.get(question.get_absolute_url()).content.decode()
    assert 'id="solution"' in page and "Solved" in page
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert data["@type"] == "QAPage"
    assert data["mainEntity"]["acceptedAnswer"]["text"] == "The answer: see the guide."  # words, not Markdown


def test_flagging_and_moderating_from_the_page(client, site, question, helper, asker, moderator):
    answer = services.reply(topic=question, author=helper, body="Rude words")
    response = signed_in(client, asker).post(reverse("community:flag", args=[answer.pk]), {"reason": "inappropriate"})
    assert response.status_code == 302 and answer.flags.count() == 1
    assert client.post(reverse("community:flag", args=[answer.pk]), {"reason": "nonsense"}).status_code == 400
    assert client.post(reverse("community:moderate_post", args=[answer.pk]), {"action": "hide"}).status_code == 404
    client = signed_in(client, moderator)
    queue = client.get("/admin/community/")
    assert queue.status_code == 200 and "Rude words" in queue.content.decode()
    client.post(f"/admin/community/{answer.pk}/", {"action": "hide", "reason": "Rude"})
    assert Post.objects.get(pk=answer.pk).state == PostState.HIDDEN
    assert "Rude" in client.get("/admin/community/log/").content.decode()
    assert signed_in(client, asker).get("/admin/community/").status_code == 302  # customers never reach the admin


def test_moderators_lock_move_and_merge_from_the_topic_page(client, site, question, ideas, moderator, asker):
    client = signed_in(client, moderator)
    url = reverse("community:moderate_topic", args=[question.pk])
    client.post(url, {"action": "lock", "reason": "Done"})
    client.post(url, {"action": "move", "category": ideas.pk})
    question.refresh_from_db()
    assert question.is_locked and question.category == ideas
    response = client.post(url, {"action": "move"})
    assert response.status_code == 302  # with a message, not a 500
    forget_limits()
    other = services.start_topic(category=ideas, author=asker, title="The same thing", body="Dup")
    client.post(reverse("community:moderate_topic", args=[other.pk]), {"action": "merge", "merge_into": question.pk})
    assert client.get(other.get_absolute_url()).status_code == 301
    assert signed_in(client, asker).post(url, {"action": "unlock"}).status_code == 404


def test_editing_own_post_and_history_for_moderators(client, site, question, asker, helper, moderator):
    opening = question.posts.get()
    edit = reverse("community:edit", args=[opening.pk])
    assert signed_in(client, helper).get(edit).status_code == 404
    response = signed_in(client, asker).post(edit, {"title": "Wi-Fi drops at night", "body": "New text"})
    assert response.status_code == 302
    assert signed_in(client, asker).post(edit, {"title": "x", "body": "New text"}).status_code == 400
    history = reverse("community:history", args=[opening.pk])
    assert signed_in(client, asker).get(history).status_code == 404
    html = signed_in(client, moderator).get(history).content.decode()
    assert "-It drops at 8 pm. Why?" in html and "+New text" in html


def test_watch_settings_and_sanctions_from_the_pages(client, site, question, asker, helper, moderator):
    client = signed_in(client, asker)
    client.post(reverse("community:watch_topic", args=[question.pk]), {"level": "muted"})
    assert question.watches.get(user=asker).level == "muted"
    assert client.post(reverse("community:watch_topic", args=[question.pk]), {"level": "loud"}).status_code == 400
    handle = services.profile_for(helper).handle
    assert client.post(reverse("community:sanction", args=[handle]), {"kind": "suspend", "days": 3}).status_code == 404
    client = signed_in(client, moderator)
    client.post(reverse("community:sanction", args=[handle]), {"kind": "silence", "days": 3, "reason": "Cool down"})
    assert services.profile_for(type(helper).objects.get(pk=helper.pk)).is_silenced()
    from community.models import Badge, BadgeAward

    helpful = Badge.objects.get(slug="helpful")
    client.post(reverse("community:grant_badge", args=[handle]), {"badge": helpful.pk, "reason": "Great guides"})
    assert BadgeAward.objects.get(user=helper, badge=helpful).awarded_by == moderator
    assert client.post(reverse("community:grant_badge", args=[handle]), {"badge": "x"}).status_code == 302
    client = signed_in(client, asker)
    assert client.post(reverse("community:grant_badge", args=[handle]), {"badge": helpful.pk}).status_code == 404


def test_a_category_moderator_sees_no_sanction_form_and_cannot_post_one(client, site, questions, helper, moderator):
    category_moderator = UserFactory(role="customer")
    questions.moderators.add(category_moderator)
    client = signed_in(client, category_moderator)
    handle = services.profile_for(moderator).handle
    page = client.get(reverse("community:profile", args=[handle])).content.decode()
    assert reverse("community:sanction", args=[handle]) not in page
    assert reverse("community:grant_badge", args=[handle]) not in page
    response = client.post(
        reverse("community:sanction", args=[handle]), {"kind": "suspend", "days": 3650, "reason": "x"}
    )
    assert response.status_code == 404
    assert not services.profile_for(moderator).suspended_until
    # A global moderator sees the form on a customer's profile, and not on another moderator's.
    client = signed_in(client, moderator)
    assert (
        "Apply" in client.get(reverse("community:profile", args=[services.profile_for(helper).handle])).content.decode()
    )
    other = UserFactory(role="moderator")
    assert (
        "Apply"
        not in client.get(reverse("community:profile", args=[services.profile_for(other).handle])).content.decode()
    )


def test_profiles_show_reputation_badges_and_posts_and_the_leaderboard_ranks(client, site, question, asker, helper):
    answer = services.reply(topic=question, author=helper, body="An answer")
    services.vote(post=answer, user=asker, value=1)
    handle = services.profile_for(helper).handle
    html = client.get(reverse("community:profile", args=[handle])).content.decode()
    assert "Hana Helper" in html and "First post" in html and question.title in html
    assert str(services.reputation(helper)) in html
    board = client.get("/community/leaderboard/?period=week").content.decode()
    assert board.index("Hana Helper") < board.index("Ada Asker")
    assert client.get("/community/u/nobody-here/").status_code == 404


def test_an_opened_suggestion_is_recorded_and_linked_to_the_topic_posted_after(
    client, site, questions, asker, django_capture_on_commit_callbacks
):
    client = signed_in(client, asker)
    response = client.get(
        "/search/opened/community/", {"to": "/help/", "q": "wifi", "title": "Wi-Fi guide", "kind": "article"}
    )
    assert response.status_code == 302 and response["Location"] == "/help/"
    assert client.get("/search/opened/community/", {"to": "https://evil.example/"}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/community/new/", {"category": questions.pk, "title": "Posting anyway", "body": "Still stuck"})
    opened = SuggestionOpened.objects.get()
    assert (opened.area, opened.followed_up) == ("community", f"#{Topic.objects.get(title='Posting anyway').pk}")


# --- Hostile input -----------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<img src=x onerror="alert(1)">',
    "![x](javascript:alert(1))",
    '<svg onload="alert(1)"><circle/></svg>',
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<div><b>unclosed <i>tags",
    '<iframe src="https://evil.example"></iframe>',
    '"><script>alert(1)</script>',
    "`</script><script>alert(1)</script>`",
    "Hidden\u200bzero\u200dwidth and \u202eRTL override\u202c text",
]


def test_hostile_posts_are_stored_and_shown_without_anything_that_runs(client, site, question, helper):
    client = signed_in(client, helper)
    for body in HOSTILE:
        forget_limits()
        response = client.post(reverse("community:reply", args=[question.pk]), {"body": body})
        assert response.status_code == 302, body
    stored = "".join(Post.objects.filter(topic=question).values_list("body_html", flat=True))
    sources = "".join(Post.objects.filter(topic=question).values_list("body_source", flat=True))
    tags = " ".join(re.findall(r"<[^>]+>", stored)).lower()  # what a browser would act on, not the text
    for needle in ("<script", "javascript:", " on", "<svg", "<iframe", "data:", "<div", "<b>", "<i>"):
        assert needle not in tags, needle
    assert "\u200b" not in sources and "\u202e" not in sources
    page = client.get(question.get_absolute_url()).content.decode()
    body = page.split('id="main"', 1)[1]
    for tag in re.findall(r"<[^>]+>", body):
        assert "javascript:" not in tag and " onerror" not in tag and " onload" not in tag, tag
    assert "<script>alert" not in body


# --- Query budgets -----------------------------------------------------------------------------


def _replies(topic, count, people):
    now = timezone.now()
    Post.objects.bulk_create(
        [
            Post(topic=topic, author=people[n % len(people)], body_source=f"Reply {n}", body_html=f"<p>Reply {n}</p>",
                 created_at=now + timedelta(seconds=n))
            for n in range(count)
        ]
    )  # fmt: skip
    # As the services keep it: the number of published replies.
    published = topic.posts.filter(is_opening=False, state="published").count()
    Topic.objects.filter(pk=topic.pk).update(reply_count=published)


def _people(count):
    people = [UserFactory() for _ in range(count)]
    for person in people:
        services.profile_for(person)
    return people


@pytest.mark.parametrize("signed_in_as", ["visitor", "customer"])
def test_a_topic_page_reads_the_same_number_of_queries_for_3_or_500_replies(
    client, site, question, helper, signed_in_as, django_assert_num_queries, without_page_cache
):
    if signed_in_as == "customer":
        client = signed_in(client, helper)
    url = question.get_absolute_url() + "?page=1"
    _replies(question, 3, _people(2))
    client.get(url)  # warm what is cached per process (site, branding, watched words)
    with django_assert_num_queries(QUERIES[signed_in_as]):
        assert client.get(url).status_code == 200
    _replies(question, 497, _people(40))
    services.accept_solution(topic=question, post=question.posts.filter(is_opening=False).last(), actor=question.author)
    client.get(url)
    # Page 1 reads the opening post with its replies; later pages read it on its own (one query more).
    # The accepted answer is the last reply: on page 25 it is among the replies, elsewhere one query more.
    for page, extra in (("1", 1), ("2", 2), ("25", 1)):
        with django_assert_num_queries(QUERIES[signed_in_as] + extra):
            assert client.get(url.replace("page=1", f"page={page}")).status_code == 200


# The signed-in person is read on each request; what they may do comes from the cache.
QUERIES = {"visitor": 2, "customer": 7}


@pytest.mark.parametrize(
    "path", ["/community/?page=1", "/community/latest/?page=1", "/community/c/router/?page=1", "/community/top/?page=1"]
)
def test_lists_read_the_same_number_of_queries_for_few_or_many_topics(client, site, questions, path,
                                                                       django_assert_num_queries,
                                                                       without_page_cache):  # fmt: skip
    people = _people(3)
    for person in people:
        trusted(person)

    def add_topics(count):
        for n in range(count):
            forget_limits()
            topic = services.start_topic(category=questions, author=people[n % 3], title=f"Topic number {n}", body="x")
            topic.tags.set([f"tag{n % 4}"])

    add_topics(2)
    client.get(path)
    with django_assert_num_queries(LIST_QUERIES[path]):
        client.get(path)
    add_topics(33)
    client.get(path)  # the rate limits were forgotten with the whole cache: warm it again
    with django_assert_num_queries(LIST_QUERIES[path]):
        assert client.get(path).status_code == 200


# Tags are kept on the topic row (Topic.tag_list) and categories in the cache: no query for either.
LIST_QUERIES = {
    "/community/?page=1": 1,
    "/community/latest/?page=1": 2,
    "/community/c/router/?page=1": 1,
    "/community/top/?page=1": 2,
}


def test_visitors_get_cached_pages_that_change_with_the_community(
    client, site, question, helper, django_assert_num_queries
):
    url = question.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response["X-Page-Cache"] == "hit"
    with committed():
        services.reply(topic=question, author=helper, body="A fresh answer")
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss" and "A fresh answer" in response.content.decode()
    # Signed-in readers are never served from the page cache.
    assert "X-Page-Cache" not in signed_in(client, helper).get(url)


def test_a_customer_can_sign_in_and_post(client, site, questions):
    person = UserFactory()
    client.post("/accounts/login/", {"login": person.email, "password": PASSWORD})
    response = client.post("/community/new/", {"category": questions.pk, "title": "My first one", "body": "Hi"})
    assert response.status_code == 302
    assert Category.objects.get(pk=questions.pk).topic_count == 0  # held for a moderator


# --- Images ------------------------------------------------------------------------------------


def real_png(name: str) -> SimpleUploadedFile:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGBA", (3, 2), (0, 90, 200, 255)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def test_an_image_uploaded_with_a_reply_is_shown_inline_and_checked_by_its_bytes(client, site, question, helper):
    client = signed_in(client, helper)
    url = reverse("community:reply", args=[question.pk])
    response = client.post(url, {"body": "Here is the screen", "image": real_png("settings screen.png")})
    assert response.status_code == 302
    post = Post.objects.get(body_source__startswith="Here is the screen")
    src = re.search(r'<img src="([^"]+)"', post.body_html).group(1)
    assert src.startswith("/community/images/")
    image = client.get(src)
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image["X-Content-Type-Options"] == "nosniff" and "sandbox" in image["Content-Security-Policy"]
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")
    assert client.get("/community/images/nonsense/x.png").status_code == 404
    # Not an image, whatever its name says; an SVG is refused outright; a PNG that cannot be decoded too.
    from tests.tickets.conftest import PNG

    broken = (("fake.png", b"<html>not a png</html>"), ("logo.svg", b"<svg onload='x'></svg>"), ("cut.png", PNG))
    for name, content in broken:
        response = client.post(url, {"body": "Look", "image": SimpleUploadedFile(name, content)})
        assert response.status_code == 400 and "form-errors" in response.content.decode()
    assert Post.objects.filter(body_source="Look").count() == 0


def test_categories_read_from_the_cache_follow_edits_and_new_topics(client, site, questions, asker):
    """Categories are kept per version of the community: an edit or a new topic shows at once."""
    assert client.get("/community/?page=1").status_code == 200  # caches the categories
    questions.name = "Questions renamed"
    questions.save()
    page = client.get("/community/?page=1").content.decode()
    assert "Questions renamed" in page and "0 topics" in page
    with committed():
        services.start_topic(category=questions, author=trusted(asker), title="A brand new question", body="x")
    page = client.get("/community/?page=1").content.decode()
    assert "1 topic" in page and "A brand new question" in page
    questions.is_active = False
    questions.save()
    assert client.get(f"/community/c/{questions.slug}/?page=1").status_code == 404


def test_a_solved_question_with_a_comment_opener_keeps_its_page(client, site, questions, asker, helper):
    """`<!--<script` in a post once swallowed everything after the JSON-LD, blanking the page."""
    question = services.start_topic(
        category=questions, author=asker, title="Why <!--<script does this?", body="Text <!--<script and </script>"
    )
    answer = services.reply(topic=question, author=helper, body="Answer with <!--<script too")
    services.accept_solution(topic=question, post=answer, actor=asker)
    page = client.get(question.get_absolute_url()).content.decode()
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert "<" not in script and ">" not in script
    data = json.loads(script)
    assert data["mainEntity"]["name"] == "Why <!--<script does this?"
    assert data["mainEntity"]["acceptedAnswer"]["text"] == "Answer with <!--<script too"
    assert 'id="solution"' in page[page.index(script) :]


def jpeg_with_gps_and_orientation() -> bytes:
    """A 40×20 JPEG as a phone writes it: a GPS position, a camera model, and "rotate 90°" (6)."""
    from io import BytesIO

    from PIL import Image

    picture = Image.new("RGB", (40, 20), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the viewer turns it 90° clockwise
    exif[0x0110] = "Phone X"  # Model
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (44.0, 49.0, 1.5), 3: "E", 4: (20.0, 27.0, 44.2)})
    out = BytesIO()
    picture.save(out, format="JPEG", exif=exif, comment=b"secret comment")
    return out.getvalue()


def test_an_uploaded_photo_loses_its_metadata_and_keeps_its_orientation(client, site, question, helper):
    from io import BytesIO

    from PIL import Image

    from community.models import PostImage

    raw = jpeg_with_gps_and_orientation()
    assert b"Phone X" in raw and Image.open(BytesIO(raw)).getexif().get_ifd(0x8825)
    client = signed_in(client, helper)
    url = reverse("community:reply", args=[question.pk])
    client.post(url, {"body": "My router", "image": SimpleUploadedFile("router.jpg", raw, content_type="image/jpeg")})
    stored = PostImage.objects.get()
    with stored.file.open("rb") as handle:
        kept = handle.read()
    assert b"Phone X" not in kept and b"secret comment" not in kept
    image = Image.open(BytesIO(kept))
    assert not image.getexif().get_ifd(0x8825) and 0x0112 not in image.getexif()
    assert image.size == (20, 40)  # turned upright, as the phone showed it
    assert stored.size == len(kept)


def test_an_image_with_broken_metadata_is_refused_with_a_reason(client, site, question, helper):
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (4, 4)).save(out, format="WEBP", exif=b"Exif\x00\x00MM\x00*")  # an EXIF block cut short
    client = signed_in(client, helper)
    response = client.post(
        reverse("community:reply", args=[question.pk]),
        {"body": "Broken", "image": SimpleUploadedFile("cut.webp", out.getvalue(), content_type="image/webp")},
    )
    assert response.status_code == 400 and "could not be read as an image" in response.content.decode()
    assert not Post.objects.filter(body_source="Broken").exists()


def _footer(html: str, post) -> str:
    """The action footer of one post on a topic page."""
    article = html.split(f'id="post-{post.pk}"', 1)[1]
    return article.split('<footer class="post__actions">', 1)[1].split("</footer>", 1)[0]


def test_post_buttons_share_one_form_and_each_reader_sees_their_own_state(
    client, site, question, asker, helper, newcomer
):
    answer = services.reply(topic=question, author=helper, body="An answer")
    opening = question.posts.get(is_opening=True)
    services.vote(post=answer, user=asker, value=1)
    url = question.get_absolute_url()
    seen_by_asker = signed_in(client, asker).get(url).content.decode()
    seen_by_newcomer = signed_in(client, newcomer).get(url).content.decode()  # same process, same fragments
    for html in (seen_by_asker, seen_by_newcomer):
        # The buttons hold no token: they submit the page's one form to their own addresses.
        assert html.count('<form method="post" id="post-actions" hidden>') == 1
        for post in (opening, answer):
            assert "<form" not in _footer(html, post) and "csrfmiddlewaretoken" not in _footer(html, post)
    vote_url = reverse("community:vote", args=[answer.pk])
    assert f'form="post-actions" formaction="{vote_url}?next=' in _footer(seen_by_asker, answer)
    assert 'aria-pressed="true"' in _footer(seen_by_asker, answer)  # the asker's own vote
    assert 'aria-pressed="true"' not in _footer(seen_by_newcomer, answer)
    assert "Edit" in _footer(seen_by_asker, opening) and "Edit" not in _footer(seen_by_newcomer, opening)
    # What a click sends: the button's value, to its address, back to the post.
    client = signed_in(client, newcomer)
    back = f"{url}#post-{answer.pk}"
    response = client.post(f"{vote_url}?next={back.replace('#', '%23')}", {"value": "1"})
    assert response.status_code == 302 and response["Location"] == back
    answer.refresh_from_db()
    assert answer.score == 2
    assert 'aria-pressed="true"' in _footer(client.get(url).content.decode(), answer)


@pytest.mark.parametrize("target", ["/community/\x00", "/a\r\nb", "/x" * 1500, "//evil.example/", "²"])
def test_an_odd_return_address_falls_back_to_the_post(client, site, question, asker, helper, target):
    from urllib.parse import quote

    answer = services.reply(topic=question, author=helper, body="An answer")
    client = signed_in(client, asker)
    vote_url = reverse("community:vote", args=[answer.pk])
    for response in (
        client.post(f"{vote_url}?next={quote(target)}", {"value": "1"}),  # a post's button
        client.post(vote_url, {"value": "0", "next": target}),  # a form's field
    ):
        assert response.status_code == 302 and response["Location"] == answer.get_absolute_url()
