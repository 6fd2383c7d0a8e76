"""A visitor finds an article from the home page, reads it and says it did not help; the owner sees
the task in the admin; an editor publishes a fix and the task closes — in Chromium."""

import re

import pytest

from tests.factories import UserFactory

from .support import sign_in_to_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_feedback_reaches_the_owner_and_a_fix_closes_it(browser, live_site, screenshot):
    from knowledge_base.models import HelpIndexPage, KnowledgeBasePage, ReviewTask, SectionPage
    from tests.knowledge_base.conftest import add_article, publish

    owner = UserFactory(role="editor", email="owner@example.com", display_name="Olga Owner")
    help_index = HelpIndexPage.objects.get()
    kb = KnowledgeBasePage(title="Router AX3", slug="router-ax3")
    help_index.add_child(instance=kb)
    publish(kb)
    section = SectionPage(title="Getting started", slug="getting-started")
    kb.add_child(instance=section)
    publish(section)
    article = add_article(section, "Understand the status light", owner=owner, tags=["light"])
    base = live_site.url

    visitor = browser.new_context(viewport={"width": 360, "height": 800})
    page = visitor.new_page()
    page.goto(base + "/")
    page.get_by_label("Search help, community and support").fill("status light")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Understand the status light").click()
    page.wait_for_url(re.compile(r"/understand-the-status-light/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Understand the status light"
    screenshot(page, "kb-article-360")
    page.get_by_role("button", name="No", exact=True).click()
    page.get_by_label("It is outdated").check()
    page.get_by_label("Anything to add? (optional)").fill("The light is blue on my router.")
    screenshot(page, "kb-feedback-360")
    page.get_by_role("button", name="Send feedback").click()
    page.wait_for_url(re.compile(r"/understand-the-status-light/"))
    assert "will see your feedback" in page.locator(".messages").inner_text()
    visitor.close()

    task = ReviewTask.objects.get(article=article, status="open")

    staff = browser.new_context(viewport={"width": 1280, "height": 900})
    admin = staff.new_page()
    sign_in_to_admin(admin, base, owner.email)
    panel = admin.locator("section", has=admin.locator("#kb-overdue-heading"))
    assert "Understand the status light" in panel.inner_text()
    panel.get_by_role("link", name="Understand the status light").click()
    admin.wait_for_url(re.compile(r"/reviewtask/inspect/"))
    assert "The light is blue on my router." in admin.content()
    screenshot(admin, "kb-review-task-admin")

    admin.goto(base + f"/admin/pages/{article.pk}/edit/")
    admin.locator("#id_summary").fill("What each colour of the light means, including blue.")
    with admin.expect_navigation():
        admin.evaluate("document.querySelector('button[name=\"action-publish\"]').click()")
    screenshot(admin, "kb-after-publish-admin")
    assert "has been published" in admin.content()
    staff.close()

    task.refresh_from_db()
    assert task.status == "closed"
    assert task.closed_by_revision is not None
