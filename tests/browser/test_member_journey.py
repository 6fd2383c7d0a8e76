"""A member whose membership is about to end renews by card (the dummy gateway), sees the new
period end, the invoice, the points earned and the tier progress, then redeems a benefit; a
second member on a phone pays by bank transfer and sees the IPS QR code — in Chromium."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import UserFactory

from .test_support_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_renew_see_invoice_points_and_tier_then_redeem(browser, live_site, screenshot):
    from portal.membership import ips
    from portal.membership.choices import RedeemBy
    from portal.membership.models import Benefit, MembershipSettings, Plan, Subscription, Tier
    from portal.membership.services import benefits as catalogue

    rules = MembershipSettings.load()
    rules.bank_account, rules.payee_name, rules.points_per_100 = (
        ips.account_with_control("160", "12345"),
        "Northwind",
        1,
    )
    rules.save()
    Tier.objects.create(name="Basic", code="basic", rank=1)
    silver = Tier.objects.create(name="Silver", code="silver", rank=2, min_points=100)
    Tier.objects.create(name="Gold", code="gold", rank=3, min_points=300)
    warranty = Benefit.objects.create(
        title="Warranty discount", description="20% off.", tier=silver, redeem_by=RedeemBy.CODE
    )
    catalogue.import_codes(benefit=warranty, text="NW-0001\nNW-0002")
    pro = Plan.objects.create(name="Pro", code="pro", price=Decimal("11900.00"), currency="RSD")
    member = UserFactory(email="member@example.com", verified=True)
    ends = timezone.now() + timedelta(days=6)
    Subscription.objects.create(holder=member, plan=pro, ends_at=ends)

    page = browser.new_page(viewport={"width": 360, "height": 780})
    page.set_default_timeout(15_000)
    sign_in(page, live_site.url, member.email)
    page.goto(live_site.url + "/me/subscriptions/")
    assert "Your membership ends on" in page.locator("main").inner_text()
    page.get_by_role("link", name="Renew now").click()
    assert "RSD\xa011,900.00" in page.locator("main").inner_text()
    screenshot(page, "member-renew-confirm")
    page.get_by_label("Card").check()
    page.get_by_role("button", name=re.compile("Confirm and pay")).click()
    page.wait_for_url(re.compile(r"/me/orders/\d+/pay/$"))
    page.locator("select[name=status]").select_option("confirmed")
    page.locator("select[name=fraud_status]").select_option("accept")
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url(re.compile(r"/me/orders/\d+/$"))
    main = page.locator("main").inner_text()
    new_end = Subscription.objects.get(holder=member).ends_at
    assert new_end > ends + timedelta(days=360)
    assert "Paid. Your Pro membership runs until" in main
    screenshot(page, "member-renew-paid")
    page.locator("main a", has_text=re.compile(r"^\d{4}-\d{6}$")).click()
    invoice_text = page.locator("main").inner_text()
    assert "RSD\xa011,900.00" in invoice_text and "Paid" in invoice_text
    screenshot(page, "member-invoice")

    page.goto(live_site.url + "/me/benefits/")
    benefits = page.locator("main").inner_text()
    assert "Your tier: Silver" in benefits and "Membership purchase" in benefits and "+119" in benefits
    assert page.locator("#tier-progress").get_attribute("value") == "39"  # 119 of Gold's 300
    page.locator("li", has_text="Warranty discount").get_by_role("button", name="Redeem").click()
    assert "NW-0001" in page.locator(".code-once").inner_text()
    screenshot(page, "member-benefit-redeemed")
    page.reload()
    assert page.locator(".code-once").count() == 0  # shown once
    page.close()


def test_bank_transfer_on_a_phone_shows_the_ips_code(browser, live_site, screenshot):
    from portal.membership import ips
    from portal.membership.models import Invoice, MembershipSettings, Plan, Subscription

    rules = MembershipSettings.load()
    rules.bank_account, rules.payee_name = ips.account_with_control("160", "12345"), "Northwind d.o.o."
    rules.save()
    small = Plan.objects.create(name="Small", code="small", price=Decimal("365.00"), currency="RSD")
    Plan.objects.create(name="Large", code="large", price=Decimal("730.00"), currency="RSD")
    member = UserFactory(email="bank@example.com", verified=True)
    Subscription.objects.create(holder=member, plan=small, ends_at=timezone.now() + timedelta(days=30.5))

    page = browser.new_page(viewport={"width": 360, "height": 780}, java_script_enabled=False)
    page.set_default_timeout(15_000)
    sign_in(page, live_site.url, member.email)
    page.goto(live_site.url + "/me/subscriptions/")
    page.get_by_role("link", name="Upgrade to Large").click()
    assert "RSD\xa030.00" in page.locator("main").inner_text()  # 1.00 a day more for 30 whole days
    page.get_by_label(re.compile("Bank transfer")).check()
    page.get_by_role("button", name=re.compile("Confirm and pay")).click()
    page.wait_for_url(re.compile(r"/me/orders/\d+/$"))
    invoice = Invoice.objects.get()
    assert invoice.reference in page.locator("main").inner_text()
    assert page.locator(".ips-qr svg").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "member-bank-transfer")
    page.close()
