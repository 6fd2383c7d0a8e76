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
    "/search/?q=router&kind=article",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]
SIGNED_IN_PAGES = [
    "/me/",
    "/me/profile/",
    "/me/notifications/",
    "/me/benefits/",
    "/me/subscriptions/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/",
    "/accounts/social/connections/",
    "/me/api-tokens/",
]
HELP_PAGES = [
    "/help/router-ax3/",
    "/help/router-ax3/getting-started/",
    "/help/router-ax3/getting-started/set-up-the-router/",
    "/help/router-ax3/router-questions/",
]


def build_help_centre() -> None:
    """A small knowledge base with every kind of page and block the theme has to render."""
    from knowledge_base.models import FAQPage, HelpIndexPage, KnowledgeBasePage, SectionPage
    from tests.knowledge_base.conftest import add_article, publish

    help_index = HelpIndexPage.objects.get()
    kb = KnowledgeBasePage(title="Router AX3", slug="router-ax3", intro="All about the router.")
    help_index.add_child(instance=kb)
    publish(kb)
    section = SectionPage(title="Getting started", slug="getting-started", intro="First steps.")
    kb.add_child(instance=section)
    publish(section)
    article = add_article(section, "Set up the router", tags=["setup"])
    article.body.append(("code", {"language": "text", "code": "ping 192.168.1.1"}))
    article.body.append(
        (
            "table",
            {
                "data": [["Light", "Meaning"], ["White", "Online"]],
                "first_row_is_table_header": True,
                "first_col_is_header": False,
                "table_caption": "Lights",
            },
        )
    )
    publish(article)
    add_article(section, "Change the Wi-Fi password", tags=["setup"])
    faq = FAQPage(
        title="Router questions",
        slug="router-questions",
        items=[("item", {"question": "Is there a fee?", "answer": "<p>No.</p>"})],
    )
    kb.add_child(instance=faq)
    publish(faq)


def build_support_pages(user) -> list[str]:
    """A request with a reply and a file, so the support pages have everything to render."""
    from portal.uploads import check_upload
    from tests.tickets.conftest import png
    from tickets import services

    from .support import build_support

    agent = UserFactory(role="agent")
    request_type = build_support(agent)
    ticket = services.open_ticket(
        requester=user,
        request_type=request_type,
        subject="Router restarts",
        description="Every **hour**.",
        impact="major",
        fields={"version": "2.1"},
        files=[check_upload(png(), max_bytes=10**6)],
    )
    services.add_agent_reply(ticket=ticket, agent=agent, body="Please try:\n\n1. Unplug it\n2. Wait")
    solved = services.open_ticket(
        requester=user,
        request_type=request_type,
        subject="Printer offline",
        description="Since Monday.",
        impact="minor",
        fields={"version": "2.1"},
    )
    services.add_agent_reply(ticket=solved, agent=agent, body="Fixed.", status="solved")
    from tickets.satisfaction import link

    rate = link(solved.survey, "bad")
    return [
        "/support/new/",
        "/support/new/?type=0",
        "/support/requests/",
        ticket.get_absolute_url(),
        solved.get_absolute_url(),
        rate,
    ]


def build_member_pages(user) -> list[str]:
    """A subscription with a renewal waiting for a bank transfer, and a card order to pay."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from portal.membership import ips
    from portal.membership.models import MembershipSettings, Plan, Subscription
    from portal.membership.services import billing

    rules = MembershipSettings.load()
    rules.bank_account, rules.payee_name = ips.account_with_control("160", "12345"), "Northwind d.o.o."
    rules.save()
    small = Plan.objects.create(name="Small", code="small", price=Decimal("365.00"), currency="RSD")
    large = Plan.objects.create(name="Large", code="large", price=Decimal("730.00"), currency="RSD")
    subscription = Subscription.objects.create(holder=user, plan=small, ends_at=timezone.now() + timedelta(days=9))
    order = billing.place_order(
        subscription=subscription, plan=small, user=user, pay_by="bank", seen_amount=Decimal("365.00")
    )
    return [
        f"/me/subscriptions/{subscription.pk}/change/?plan={large.code}",
        f"/me/orders/{order.pk}/",
        f"/me/invoices/{order.invoice.number}/",
        f"/me/orders/{order.pk}/pay/",
    ]


def watch_csp(page) -> list[str]:
    """What the browser refused under the Content-Security-Policy, as it logs it (with the address)."""
    blocked: list[str] = []

    def seen(message):
        if "Content Security Policy" in message.text:
            blocked.append(f"{page.url}: {message.text}")

    page.on("console", seen)
    return blocked


def check_page(page, url: str, name: str, screenshot) -> list[str]:
    problems = []
    response = page.goto(url)
    assert response.status < 400 or url.endswith("?type=0"), f"{url} answered {response.status}"
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
    build_help_centre()
    from tests.community.conftest import trusted

    from .support import build_community

    community = build_community(trusted(user))
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    problems = []
    blocked = watch_csp(page)
    for path in ANONYMOUS_PAGES + HELP_PAGES + community["anonymous"]:
        slug = path.strip("/").replace("/", "-").replace("?q=", "-") or "home"
        problems += check_page(page, live_site.url + path, f"{slug}-{width}-{scheme}", screenshot)

    page.goto(live_site.url + "/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/me/")
    from knowledge_base.models import ArticlePage

    feedback_page = f"/help/feedback/{ArticlePage.objects.get(slug='set-up-the-router').pk}/"
    from portal.api.models import PersonalToken

    PersonalToken.make(person=user, name="A backup script with a long name", scopes=["requests:read"], days=30)
    support_pages = build_support_pages(user) + build_member_pages(user)
    for path in [*SIGNED_IN_PAGES, *HELP_PAGES, feedback_page, *support_pages, *community["signed_in"]]:
        slug = path.strip("/").replace("/", "-").replace("?", "-")
        problems += check_page(page, live_site.url + path, f"{slug}-{width}-{scheme}", screenshot)
    context.close()
    assert not problems, "\n".join(problems)
    assert not blocked, "Content-Security-Policy violations:\n" + "\n".join(blocked)


def test_sign_in_and_language_switch_work_without_javascript(browser, live_site):
    user = UserFactory(email="nojs@example.com")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_site.url + "/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/me/")

    page.locator(".language-switch a[lang=sl]").click()
    page.wait_for_url("**/me/")
    assert page.locator("html").get_attribute("lang") == "sl"
    assert page.get_by_role("link", name="Moj račun").count() == 1
    # Followed from the person's own page, the link also saved the choice to their profile.
    user.refresh_from_db()
    assert user.locale == "sl"
    context.close()


def test_admin_pages_work_under_their_content_security_policy(browser, live_site, screenshot):
    """The admin's policy is wider than the site's (Wagtail writes inline styles and scripts): the
    pages staff use every day load and run without a single refusal."""
    from knowledge_base.models import ArticlePage
    from tests.community.conftest import trusted
    from tickets import services

    from .support import build_community, build_support, sign_in_to_admin

    build_help_centre()
    admin = UserFactory(role="admin", is_superuser=True)
    agent = UserFactory(role="agent")
    request_type = build_support(agent)
    ticket = services.open_ticket(
        requester=UserFactory(),
        request_type=request_type,
        subject="Router",
        description="x",
        impact="minor",
        fields={"version": "1"},
    )
    build_community(trusted(UserFactory()))
    article = ArticlePage.objects.get(slug="set-up-the-router")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    blocked = watch_csp(page)
    sign_in_to_admin(page, live_site.url, admin.email)
    for path in (
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{article.pk}/edit/",
        "/admin/support/",
        f"/admin/support/{ticket.pk}/",
        "/admin/community/",
        "/admin/snippets/",
        "/admin/users/",
        "/admin/reports/search-terms/",
        "/admin/customers/",
        f"/admin/customers/{ticket.requester_id}/",
        "/admin/customers/report/",
        "/admin/snippets/customers/segment/add/",
    ):
        response = page.goto(live_site.url + path)
        assert response.status < 400, (path, response.status)
        assert "Content-Security-Policy" in response.headers or "content-security-policy" in response.headers
        page.wait_for_load_state("networkidle")
    screenshot(page, "admin-under-csp")
    context.close()
    assert not blocked, "Content-Security-Policy violations:\n" + "\n".join(blocked)
