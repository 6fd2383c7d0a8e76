"""A customer asks, another answers, the asker accepts: points and a badge appear. A new
person's post with a link waits for a moderator, who approves it in the admin — in Chromium."""

import pytest

from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, base, user, **options):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/me/")
    return page


def test_ask_answer_accept_and_moderate(browser, live_site, screenshot):
    from community.badges import create_default_badges
    from community.models import Badge, Category
    from tests.community.conftest import trusted

    create_default_badges(Badge)
    Category.objects.create(name="Router questions", slug="router", description="Ask about routers.")
    asker = trusted(UserFactory(display_name="Ada Asker"))
    helper = trusted(UserFactory(display_name="Hana Helper"))
    newcomer = UserFactory(display_name="Nik Newcomer")
    moderator = UserFactory(role="moderator", display_name="Mira Moderator")
    base = live_site.url

    # The asker starts a topic from the community's front page.
    ask = sign_in(browser, base, asker)
    ask.goto(base + "/community/")
    ask.get_by_role("link", name="Start a topic").click()
    ask.get_by_label("Title").fill("Guest network cannot reach the printer")
    ask.get_by_label("Your post").fill("My guest Wi-Fi devices cannot print. **Why?**")
    ask.get_by_role("button", name="Post topic").click()
    ask.get_by_role("heading", level=1, name="Guest network cannot reach the printer").wait_for()
    topic_url = ask.url

    # Another customer answers; without JavaScript, as every form must work.
    answer = sign_in(browser, base, helper, java_script_enabled=False)
    answer.goto(topic_url)
    answer.get_by_label("Your reply").fill("Guests are isolated by design: turn on *Allow local printing*.")
    answer.get_by_role("button", name="Post reply").click()
    answer.locator(".post__body", has_text="Allow local printing").wait_for()
    # Votes are buttons of the page's one form (no token per post): they work without JavaScript too.
    answer.locator("article.post--opening").get_by_role("button", name="▲ Helpful").click()
    answer.locator("article.post--opening .vote__button.is-on").wait_for()
    assert answer.locator("article.post--opening .vote__score").inner_text().startswith("1")

    # The asker accepts it: the topic is solved and the answer sits under the question.
    ask.goto(topic_url)
    ask.get_by_role("button", name="Mark as solution").click()
    ask.locator("#solution").wait_for()
    assert ask.locator(".topic__header .badge--solved").inner_text() == "Solved"
    screenshot(ask, "community-solved-topic")

    # Points and the badge are on the answerer's profile, and they were told.
    answer.goto(topic_url)
    answer.get_by_role("link", name="Hana Helper").first.click()
    assert answer.locator(".badge-card", has_text="Solution").count() == 1
    reputation = answer.locator(".profile-facts dd").first.inner_text()
    assert reputation.startswith("22")  # 15 for the solution, 5 for the badge, 2 for a first reply within a day
    answer.goto(base + "/me/notifications/")
    assert answer.get_by_text("Your reply was accepted as the solution").count() == 1

    # A new person's reply with a link waits for a moderator.
    new = sign_in(browser, base, newcomer)
    new.goto(topic_url)
    new.get_by_label("Your reply").fill("Also see https://printers.example.com/guide")
    new.get_by_role("button", name="Post reply").click()
    new.get_by_text("A moderator will look at your reply").wait_for()
    assert new.locator(".post--pending").count() == 1
    ask.goto(topic_url)
    assert ask.get_by_text("printers.example.com").count() == 0

    mod = sign_in(browser, base, moderator)
    mod.goto(base + "/admin/community/")
    mod.get_by_text("printers.example.com").first.wait_for()
    screenshot(mod, "community-moderation-queue")
    mod.get_by_role("button", name="Approve").click()
    mod.get_by_text("Nothing waits for a moderator.").wait_for()
    ask.goto(topic_url)
    assert ask.locator(".post__body", has_text="printers.example.com").count() == 1

    # A moderator hides it again from the topic page itself.
    mod.goto(topic_url)
    mod.locator("article.post", has_text="printers.example.com").get_by_role("button", name="Hide").click()
    mod.locator("article.post--hidden", has_text="printers.example.com").wait_for()
    ask.goto(topic_url)
    assert ask.get_by_text("printers.example.com").count() == 0


def test_hostile_posts_run_nothing_in_the_browser(browser, live_site):
    """What people write is shown as text or harmless markup: no script, handler or link runs."""
    from community import services
    from community.models import Category
    from tests.community.conftest import forget_limits, trusted
    from tests.community.test_pages import HOSTILE

    category = Category.objects.create(name="Router questions", slug="router")
    author = trusted(UserFactory(display_name="Eve Hostile"))
    topic = services.start_topic(
        category=category,
        author=author,
        title="<script>window.__pwned=1</script> title",
        body='<img src=x onerror="window.__pwned=1">',
    )
    for body in [*HOSTILE, '<a href="javascript:window.__pwned=1">click</a>', "[x](javascript:window.__pwned=1)"]:
        forget_limits()
        services.reply(topic=topic, author=author, body=body)
    reader = UserFactory()
    page = sign_in(browser, live_site.url, reader)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(live_site.url + topic.get_absolute_url())
    page.get_by_role("heading", level=1).wait_for()
    for link in page.locator(".post__body a").all():
        href = link.get_attribute("href") or ""
        assert not href.lower().startswith(("javascript:", "data:")), href
        if href.startswith("http"):
            continue
        link.click(no_wait_after=True, timeout=2_000)
        page.goto(live_site.url + topic.get_absolute_url())
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    assert page.locator(".post__body script, .post__body svg, .post__body iframe, [onerror], [onload]").count() == 0
    assert "<script>window.__pwned=1</script> title" in page.locator("h1").inner_text()
