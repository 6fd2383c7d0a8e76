"""Every page: no WCAG 2.1 A/AA violations found by axe-core, in light and dark, at 1280 and 360 px."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
ANONYMOUS_PAGES = [
    "/",
    "/help/",
    "/community/",
    "/support/",
    "/search/?q=help",
    "/search/?q=nothing-matches-this",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]
SIGNED_IN_PAGES = ["/me/", "/me/profile/", "/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"]


def check_page(page, url: str, name: str, screenshot) -> list[str]:
    problems = []
    response = page.goto(url)
    assert response.status < 400, f"{url} answered {response.status}"
    results = Axe().run(page, options=AXE_OPTIONS)
    for violation in results.response["violations"]:
        targets = [node["target"] for node in violation["nodes"]][:3]
        problems.append(f"{name}: {violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    if width > viewport:
        problems.append(f"{name}: page is {width}px wide in a {viewport}px viewport")
    screenshot(page, name)
    return problems


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 360])
def test_pages_are_accessible_and_fit_the_screen(browser, live_site, screenshot, width, scheme):
    user = UserFactory(email="reader@example.com")
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    problems = []
    for path in ANONYMOUS_PAGES:
        slug = path.strip("/").replace("/", "-").replace("?q=", "-") or "home"
        problems += check_page(page, live_site.url + path, f"{slug}-{width}-{scheme}", screenshot)

    page.goto(live_site.url + "/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/me/")
    for path in SIGNED_IN_PAGES:
        slug = path.strip("/").replace("/", "-")
        problems += check_page(page, live_site.url + path, f"{slug}-{width}-{scheme}", screenshot)
    context.close()
    assert not problems, "\n".join(problems)


def test_sign_in_and_language_switch_work_without_javascript(browser, live_site):
    user = UserFactory(email="nojs@example.com")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_site.url + "/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/me/")

    page.select_option("#language-select", "sl")
    page.locator(".language-switch button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "sl"
    assert page.get_by_role("link", name="Moj račun").count() == 1
    context.close()
