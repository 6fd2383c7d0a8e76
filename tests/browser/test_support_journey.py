"""A customer files a request (a help article is suggested as they type), an agent answers in the
admin, the customer sees the reply and the promise, replies and marks it solved — in Chromium."""

import re

import pytest

from tests.factories import PASSWORD, UserFactory

from .support import build_support, sign_in_to_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, email, *, admin=False):
    if admin:
        sign_in_to_admin(page, base, email)
    else:
        page.goto(base + "/accounts/login/")
        page.locator("#id_login").fill(email)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("form.form button[type=submit]").click()
        page.wait_for_url("**/me/")


def test_file_answer_reply_solve(browser, live_site, screenshot):
    from knowledge_base.models import HelpIndexPage, KnowledgeBasePage, SectionPage
    from portal.search.models import SuggestionOpened
    from tests.knowledge_base.conftest import add_article, publish
    from tickets.models import Ticket

    help_index = HelpIndexPage.objects.get()
    kb = KnowledgeBasePage(title="Router AX3", slug="router-ax3")
    help_index.add_child(instance=kb)
    publish(kb)
    section = SectionPage(title="Troubleshooting", slug="troubleshooting")
    kb.add_child(instance=section)
    publish(section)
    add_article(section, "Router keeps restarting")
    agent = UserFactory(role="agent", email="agent@example.com", display_name="Aleksa Agent")
    customer = UserFactory(email="katarina@example.com", display_name="Katarina Customer")
    build_support(agent)
    base = live_site.url

    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    sign_in(page, base, customer.email)
    page.goto(base + "/support/")
    page.get_by_role("link", name="File a request").click()
    page.get_by_label("Subject").press_sequentially("Router keeps rest", delay=20)
    suggestion = page.locator("#suggestion-list").get_by_role("link", name="Router keeps restarting")
    suggestion.wait_for()
    screenshot(page, "support-new-request-suggestion-360")
    page.get_by_label("Subject").fill("Router keeps restarting every hour")
    page.get_by_label("Version").fill("2.4.1")
    page.get_by_label("An important feature does not work").check()
    page.get_by_label("Description").fill("It restarts every hour, since yesterday.")
    page.get_by_role("button", name="Send request").click()
    page.wait_for_url(re.compile(r"/support/requests/SR-000001/$"))
    assert "has been received" in page.locator(".messages").inner_text()
    assert "Next reply expected by" in page.locator(".promise").inner_text()
    screenshot(page, "support-request-filed-360")
    ticket = Ticket.objects.get()
    assert ticket.assignee == agent
    assert not SuggestionOpened.objects.exists()  # the suggestion was shown, not opened

    staff = browser.new_context(viewport={"width": 1280, "height": 900})
    desk = staff.new_page()
    sign_in(desk, base, agent.email, admin=True)
    desk.goto(base + "/admin/support/inbox/mine/")
    desk.get_by_role("link", name=re.compile("Router keeps restarting every hour")).click()
    desk.wait_for_url(re.compile(r"/admin/support/\d+/$"))
    desk.get_by_label("Message").fill("Please update to firmware 2.4.2 and tell us if it helps.")
    desk.get_by_role("button", name="Send", exact=True).click()
    desk.wait_for_url(re.compile(r"/admin/support/\d+/$"))
    assert "Reply sent." in desk.content()
    assert "Counted as the first reply" in desk.content()
    screenshot(desk, "support-desk-request")
    staff.close()

    page.reload()
    assert "Please update to firmware 2.4.2" in page.locator(".conversation").inner_text()
    assert "paused while we wait for your reply" in page.locator(".promise").inner_text()
    page.get_by_label("Your reply").fill("Updated, it has not restarted since. Thank you!")
    page.get_by_role("button", name="Send reply").click()
    page.wait_for_url(re.compile(r"/support/requests/SR-000001/$"))
    assert "Next reply expected by" in page.locator(".promise").inner_text()
    page.get_by_role("button", name="My problem is solved").click()
    page.wait_for_url(re.compile(r"/support/requests/SR-000001/$"))
    assert "Solved" in page.locator(".request__header").inner_text()
    screenshot(page, "support-request-solved-360")
    context.close()
    ticket.refresh_from_db()
    assert ticket.status == "solved"
    assert ticket.message_count == 2
