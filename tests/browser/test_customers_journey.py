"""An agent in Chromium: from a request in the desk to everything about its customer; an admin
reads the segment report. Both pages checked with axe and at 360 px wide."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from .support import build_support, sign_in_to_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page, where: str) -> list[str]:
    results = Axe().run(page, context=where, options=AXE_OPTIONS)
    return [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in results.response["violations"]
    ]


def test_an_agent_opens_the_customer_page_from_a_request(browser, live_site, screenshot):
    from portal.customers.rfm import score_all
    from portal.membership.choices import OrderKind, OrderStatus
    from portal.membership.models import Order, Plan, Subscription
    from portal.privacy import consent
    from tests.factories import OrganisationFactory, UserFactory
    from tickets import services

    agent = UserFactory(role="agent", display_name="Ana Agent")
    request_type = build_support(agent)
    customer = UserFactory(display_name="Mira Member", organisation=OrganisationFactory(name="Acme"))
    consent.record(person=customer, code=consent.PROFILING, granted=True, how="account")
    plan = Plan.objects.create(name="Premium", code="premium", price=Decimal("100"))
    subscription = Subscription.objects.create(holder=customer, plan=plan, ends_at=timezone.now() + timedelta(days=20))
    Order.objects.create(
        subscription=subscription, buyer=customer, kind=OrderKind.RENEW, plan=plan, status=OrderStatus.PAID,
        key="k1", price=Decimal("100"), amount=Decimal("100"), currency="EUR", base_ends_at=timezone.now(),
        new_ends_at=timezone.now(), paid_at=timezone.now(),
    )  # fmt: skip
    score_all()
    ticket = services.open_ticket(
        requester=customer, request_type=request_type, subject="Router blinks red", description="Since Monday.",
        impact="minor", fields={"version": "1"},
    )  # fmt: skip

    problems = []
    for width in (1280, 360):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        sign_in_to_admin(page, live_site.url, agent.email)
        page.goto(live_site.url + f"/admin/support/{ticket.pk}/")
        page.get_by_role("link", name="Everything about this customer").click()
        page.wait_for_url(re.compile(rf"/admin/customers/{customer.pk}/$"))
        assert page.get_by_role("heading", name="Support requests").is_visible()
        assert page.get_by_role("link", name=ticket.reference).first.is_visible()
        assert "Premium" in page.content()
        problems += violations(page, ".customer")
        wide = page.evaluate("document.querySelector('.customer').scrollWidth")
        shown = page.evaluate("document.querySelector('.customer').clientWidth")
        if wide > shown:
            problems.append(f"the customer page is {wide}px wide in {shown}px at {width}")
        screenshot(page, f"customer-page-{width}")
        context.close()
    assert not problems, "\n".join(problems)


def test_an_admin_reads_the_segment_report(browser, live_site, screenshot):
    from tests.factories import UserFactory

    admin = UserFactory(role="admin", is_superuser=True)
    context = browser.new_context(viewport={"width": 360, "height": 900})
    page = context.new_page()
    sign_in_to_admin(page, live_site.url, admin.email)
    page.goto(live_site.url + "/admin/customers/report/")
    assert page.get_by_role("heading", name="RFM groups at the end of each month").is_visible()
    assert page.get_by_role("rowheader", name="Champions").is_visible()
    problems = violations(page, ".customer")
    screenshot(page, "segment-report-360")
    page.goto(live_site.url + "/admin/snippets/customers/segment/add/")
    assert page.get_by_role("button", name=re.compile("Save")).first.is_visible()
    context.close()
    assert not problems, "\n".join(problems)
