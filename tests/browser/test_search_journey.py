"""A visitor finds an answer by type-ahead and by the search page's facets, with and without
JavaScript; the editor then sees the search and its click-through in the admin — in Chromium.

Pages are published as editors publish them, so they reach the index through the background
task that publishing schedules, not through a rebuild."""

import re

import pytest

from tests.factories import UserFactory

from .support import sign_in_to_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build_content():
    from knowledge_base.models import FAQPage, HelpIndexPage, KnowledgeBasePage, Product, SectionPage
    from tests.knowledge_base.conftest import add_article, publish

    help_index = HelpIndexPage.objects.get()
    product = Product.objects.create(name="Router AX3", slug="router-ax3")
    kb = KnowledgeBasePage(title="Router AX3", slug="router-ax3", product=product)
    help_index.add_child(instance=kb)
    publish(kb)
    section = SectionPage(title="Wireless", slug="wireless")
    kb.add_child(instance=section)
    publish(section)
    add_article(section, "Extend the wireless range")
    add_article(section, "Wireless channels explained")
    faq = FAQPage(
        title="Wireless questions",
        slug="wireless-questions",
        items=[("item", {"question": "Why is the wireless slow at night?", "answer": "<p>Neighbours.</p>"})],
    )
    kb.add_child(instance=faq)
    publish(faq)


def test_type_ahead_facets_and_click_through_reach_the_editor(browser, live_site, screenshot):
    build_content()
    editor = UserFactory(role="editor", email="editor@example.com")
    base = live_site.url

    visitor = browser.new_context(viewport={"width": 360, "height": 800})
    page = visitor.new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/")
    box = page.get_by_role("combobox", name="Search help, community and support")
    box.press_sequentially("wirel", delay=30)
    options = page.get_by_role("option")
    options.first.wait_for()
    assert "Extend the wireless range" in page.get_by_role("listbox").inner_text()
    screenshot(page, "search-typeahead-360")
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/help/router-ax3/"))

    page.goto(base + "/search/?q=wireless")
    assert "4 results" in page.get_by_role("status").inner_text()
    assert page.locator(".result mark").first.inner_text().lower() == "wireless"
    page.get_by_role("navigation", name="Kind").get_by_role("link", name=re.compile(r"^FAQs")).click()
    titles = page.locator(".result__title").all_inner_texts()
    assert set(titles) == {"Wireless questions", "Why is the wireless slow at night?"}
    screenshot(page, "search-faq-facet-360")
    page.get_by_role("link", name="Why is the wireless slow at night?").click()
    page.wait_for_url(re.compile(r"/wireless-questions/#q-"))
    visitor.close()

    # Without JavaScript the form and the facets are plain links and a GET form.
    no_script = browser.new_context(java_script_enabled=False)
    page = no_script.new_page()
    page.goto(base + "/")
    page.get_by_label("Search help, community and support").fill("chanels")
    page.get_by_role("button", name="Search").click()
    # A misspelling shows the close spelling's results, with the way back to what was typed.
    assert "Showing results for “channels”" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Search for “chanels” instead").is_visible()
    page.locator(".result__title", has_text="Wireless channels explained").click()
    page.wait_for_url(re.compile(r"/wireless-channels-explained/$"))
    no_script.close()

    admin = browser.new_context(viewport={"width": 1280, "height": 900})
    page = admin.new_page()
    sign_in_to_admin(page, base, editor.email)
    page.goto(base + "/admin/reports/search-terms/")
    missing = page.locator("table").first
    assert "chanels" in missing.inner_text()
    top = page.locator("table").nth(1).inner_text()
    assert re.search(r"wireless\s+1\s+0\s+1\s+100", top), top
    screenshot(page, "search-terms-report")
    admin.close()
