"""Orders, payments, invoices: renew/upgrade/downgrade once, prorated in the member's favour."""

import re
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import TestCase
from django.utils import timezone
from payments import PaymentStatus, RedirectNeeded

from portal.membership import ips
from portal.membership import points as ledger
from portal.membership.choices import BillingPeriod, InvoiceStatus, OrderKind, OrderStatus, PayBy, SubscriptionStatus
from portal.membership.models import (
    BankTransfer,
    Invoice,
    InvoiceSequence,
    MembershipSettings,
    Order,
    Payment,
    Plan,
    Subscription,
    SubscriptionEvent,
)
from portal.membership.services import billing
from tests.conftest import ensure_baseline
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

BELGRADE = ZoneInfo("Europe/Belgrade")
ACCOUNT = ips.account_with_control("160", "12345")


def committed():
    return TestCase.captureOnCommitCallbacks(execute=True)


def make_plans():
    small = Plan.objects.create(name="Small", code="small", price=Decimal("365.00"), currency="RSD")
    large = Plan.objects.create(name="Large", code="large", price=Decimal("730.00"), currency="RSD")
    monthly = Plan.objects.create(
        name="Monthly", code="monthly", price=Decimal("60.00"), currency="RSD", billing_period=BillingPeriod.MONTH
    )
    return small, large, monthly


@pytest.fixture
def plans(db):
    rules = MembershipSettings.load()
    rules.bank_account, rules.payee_name, rules.points_per_100 = ACCOUNT, "Northwind d.o.o.", 10
    rules.save()
    return make_plans()


@pytest.fixture
def member(db):
    return UserFactory()


def subscribe(holder, plan, *, days=100.5, **fields):
    return Subscription.objects.create(
        holder=holder,
        plan=plan,
        starts_at=timezone.now() - timedelta(days=200),
        ends_at=timezone.now() + timedelta(days=days),
        **fields,
    )


def order_for(subscription, plan, user, pay_by=PayBy.CARD, now=None):
    offer = billing.quote(subscription, plan, now=now)
    with committed():
        return billing.place_order(
            subscription=subscription, plan=plan, user=user, pay_by=pay_by, seen_amount=offer.amount, now=now
        )


def pay_by_card(order, user, status=PaymentStatus.CONFIRMED):
    payment = billing.start_payment(order=order, user=user)
    # The dummy gateway decides through its form, then sends the member to the order page.
    with committed(), pytest.raises(RedirectNeeded):
        payment.get_form(data={"status": status, "fraud_status": "accept", "gateway_response": "3ds-disabled"})
    payment.refresh_from_db()
    return payment


# Periods and proration


def test_a_period_is_a_calendar_month_or_year_clamped_to_short_months():
    start = datetime(2027, 1, 31, 10, 0, tzinfo=BELGRADE)
    assert billing.add_period(start, BillingPeriod.MONTH).date().isoformat() == "2027-02-28"
    leap = datetime(2028, 2, 29, 10, 0, tzinfo=BELGRADE)
    assert billing.add_period(leap, BillingPeriod.YEAR).date().isoformat() == "2029-02-28"
    december = datetime(2027, 12, 15, 10, 0, tzinfo=BELGRADE)
    assert billing.add_period(december, BillingPeriod.MONTH).date().isoformat() == "2028-01-15"


def test_renewal_continues_the_period_while_active_or_in_grace_and_starts_today_after(plans, member):
    small = plans[0]
    now = timezone.now()
    active = subscribe(member, small, days=10)
    assert billing.quote(active, small, now=now).new_ends_at == billing.add_period(active.ends_at, "year")
    grace = subscribe(UserFactory(), small, days=-3)
    assert billing.quote(grace, small, now=now).new_ends_at == billing.add_period(grace.ends_at, "year")
    lapsed = subscribe(UserFactory(), small, days=-60)
    offer = billing.quote(lapsed, small, now=now)
    assert offer.kind == OrderKind.RENEW and offer.new_ends_at == billing.add_period(now, "year")
    assert offer.amount == Decimal("365.00")


def test_an_upgrade_charges_the_difference_for_whole_days_left_rounded_down(plans, member):
    small, large, _monthly = plans
    subscription = subscribe(member, small, days=100.5)  # 100 whole days and a half
    offer = billing.quote(subscription, large)
    assert offer.kind == OrderKind.UPGRADE and offer.days_left == 100
    assert offer.amount == Decimal("100.00")  # (2.00 - 1.00) a day × 100 days
    assert offer.new_ends_at == subscription.ends_at
    odd = Plan.objects.create(name="Odd", code="odd", price=Decimal("400.00"), currency="RSD")
    # (400 - 365) / 365 × 100 = 9.589… → 9.58, never rounded up against the member
    assert billing.quote(subscription, odd).amount == Decimal("9.58")


def test_a_monthly_plan_is_compared_by_its_daily_price(plans, member):
    small, _large, monthly = plans
    subscription = subscribe(member, small, days=10.2)
    offer = billing.quote(subscription, monthly)  # 60 / 30 = 2.00 a day against 1.00
    assert offer.kind == OrderKind.UPGRADE and offer.amount == Decimal("10.00")


def test_a_downgrade_credits_the_days_left_counted_up_and_the_next_order_uses_the_credit(plans, member):
    small, large, _monthly = plans
    subscription = subscribe(member, large, days=10.2)
    offer = billing.quote(subscription, small)
    assert offer.kind == OrderKind.DOWNGRADE and offer.amount == 0
    assert offer.credit_given == Decimal("11.00")  # 11 started days × 1.00
    order = order_for(subscription, small, member)
    assert order.status == OrderStatus.PAID and order.pay_by == PayBy.NONE
    subscription.refresh_from_db()
    assert subscription.plan == small and subscription.credit == Decimal("11.00")
    assert not Invoice.objects.filter(order=order).exists()
    renewal = billing.quote(subscription, small)
    assert (renewal.credit_used, renewal.amount) == (Decimal("11.00"), Decimal("354.00"))
    paid = order_for(subscription, small, member)
    pay_by_card(paid, member)
    subscription.refresh_from_db()
    assert subscription.credit == 0
    assert Invoice.objects.get(order=paid).lines[-1]["amount"] == "-11.00"


def test_plans_in_another_currency_or_retired_are_refused(plans, member):
    small = plans[0]
    euro = Plan.objects.create(name="Euro", code="euro", price=Decimal("10.00"), currency="EUR")
    retired = Plan.objects.create(name="Old", code="old", price=Decimal("900.00"), currency="RSD", is_active=False)
    subscription = subscribe(member, small)
    with pytest.raises(billing.BillingError, match="another currency"):
        billing.quote(subscription, euro)
    with pytest.raises(billing.BillingError, match="no longer offered"):
        billing.quote(subscription, retired)


# Orders and card payments


def test_paying_by_card_extends_once_issues_a_paid_invoice_awards_points_and_records_it(plans, member):
    small = plans[0]
    subscription = subscribe(member, small, days=5)
    before = subscription.ends_at
    order = order_for(subscription, small, member)
    payment = pay_by_card(order, member)
    assert payment.status == PaymentStatus.CONFIRMED
    subscription.refresh_from_db()
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and subscription.ends_at == billing.add_period(before, "year")
    invoice = Invoice.objects.get(order=order)
    assert invoice.status == InvoiceStatus.PAID and invoice.total == Decimal("365.00")
    assert ips.reference_is_valid(invoice.reference)
    assert ledger.balance(member) == 36  # 10 points for every 100 paid
    assert set(SubscriptionEvent.objects.filter(subscription=subscription).values_list("kind", flat=True)) == {
        "order",
        "renew",
    }
    # The gateway calls back again: nothing changes a second time.
    with committed():
        payment.change_status(PaymentStatus.CONFIRMED)
        billing.settle(order, payment=payment)
    subscription.refresh_from_db()
    assert subscription.ends_at == billing.add_period(before, "year")
    assert ledger.balance(member) == 36 and Invoice.objects.count() == 1


def test_a_double_click_or_a_second_tab_finds_the_same_order_and_the_same_payment(plans, member):
    small = plans[0]
    subscription = subscribe(member, small)
    first = order_for(subscription, small, member)
    second = order_for(subscription, small, member)
    assert first.pk == second.pk and Order.objects.count() == 1
    assert billing.start_payment(order=first, user=member).pk == billing.start_payment(order=second, user=member).pk


def test_a_failed_payment_leaves_the_subscription_as_it_was_and_can_be_tried_again(plans, member):
    small = plans[0]
    subscription = subscribe(member, small)
    before = subscription.ends_at
    order = order_for(subscription, small, member)
    pay_by_card(order, member, status=PaymentStatus.REJECTED)
    order.refresh_from_db()
    subscription.refresh_from_db()
    assert order.status == OrderStatus.FAILED and subscription.ends_at == before
    assert not Invoice.objects.exists() and ledger.balance(member) == 0
    again = order_for(subscription, small, member)
    assert again.pk == order.pk and again.status == OrderStatus.PENDING
    pay_by_card(again, member)
    subscription.refresh_from_db()
    assert subscription.ends_at == billing.add_period(before, "year")
    assert order.payments.count() == 2


def test_a_payment_of_a_different_amount_is_refunded_not_applied(plans, member):
    small = plans[0]
    subscription = subscribe(member, small)
    before = subscription.ends_at
    order = order_for(subscription, small, member)
    payment = billing.start_payment(order=order, user=member)
    Payment.objects.filter(pk=payment.pk).update(total=Decimal("1.00"))  # tampered on the way
    payment.refresh_from_db()
    with committed():
        payment.change_status(PaymentStatus.CONFIRMED)
    subscription.refresh_from_db()
    order.refresh_from_db()
    assert subscription.ends_at == before and order.status == OrderStatus.PENDING
    assert SubscriptionEvent.objects.filter(kind="payment_mismatch").exists()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED


def test_the_amount_seen_must_be_the_amount_charged(plans, member):
    small = plans[0]
    subscription = subscribe(member, small)
    for seen in (Decimal("1.00"), None):
        with pytest.raises(billing.BillingError, match="price has changed"):
            billing.place_order(subscription=subscription, plan=small, user=member, pay_by=PayBy.CARD, seen_amount=seen)
    assert not Order.objects.exists()


def test_nobody_else_can_order_or_pay_for_a_subscription(plans, member):
    small = plans[0]
    subscription = subscribe(member, small)
    stranger = UserFactory()
    with pytest.raises(billing.BillingError, match="Only the holder"):
        billing.place_order(
            subscription=subscription, plan=small, user=stranger, pay_by=PayBy.CARD, seen_amount=Decimal("365.00")
        )
    order = order_for(subscription, small, member)
    with pytest.raises(billing.BillingError, match="Only the holder"):
        billing.start_payment(order=order, user=stranger)


def test_organisation_admins_manage_the_organisations_subscription(plans):
    organisation = OrganisationFactory()
    admin = UserFactory(organisation=organisation, is_organisation_admin=True)
    colleague = UserFactory(organisation=organisation)
    subscription = Subscription.objects.create(
        organisation=organisation, plan=plans[0], ends_at=timezone.now() + timedelta(days=20)
    )
    order = order_for(subscription, plans[0], admin, pay_by=PayBy.BANK)
    assert Invoice.objects.get(order=order).buyer_name == organisation.name
    with pytest.raises(billing.BillingError):
        billing.start_payment(order=order, user=colleague)


def test_a_new_order_replaces_a_waiting_one_and_paying_the_replaced_one_changes_nothing(plans, member):
    small, large, _monthly = plans
    subscription = subscribe(member, small)
    renewal = order_for(subscription, small, member, pay_by=PayBy.BANK)
    assert Invoice.objects.get(order=renewal).status == InvoiceStatus.DUE
    upgrade = order_for(subscription, large, member)
    renewal.refresh_from_db()
    assert renewal.status == OrderStatus.CANCELLED
    assert Invoice.objects.get(order=renewal).status == InvoiceStatus.VOID
    pay_by_card(upgrade, member)
    subscription.refresh_from_db()
    assert subscription.plan == large
    assert billing.mark_paid(order=renewal, by=None) == "refund"
    subscription.refresh_from_db()
    assert subscription.plan == large and subscription.ends_at == upgrade.new_ends_at


# Bank transfers and invoices


def test_bank_transfer_issues_a_due_invoice_with_a_model_97_reference_and_an_ips_qr_code(plans, member):
    small = plans[0]
    order = order_for(subscribe(member, small), small, member, pay_by=PayBy.BANK)
    invoice = Invoice.objects.get(order=order)
    assert invoice.status == InvoiceStatus.DUE and ips.reference_is_valid(invoice.reference)
    svg = billing.ips_code(invoice)
    assert svg.startswith("<svg") and "IPS QR code for invoice" in svg


def test_a_bank_statement_pays_matching_invoices_once(plans, member):
    small = plans[0]
    subscription = subscribe(member, small)
    before = subscription.ends_at
    order = order_for(subscription, small, member, pay_by=PayBy.BANK)
    invoice = Invoice.objects.get(order=order)
    statement = (
        "Date;Amount;Reference;Payer;ID\n"
        f"03.12.2026;365,00;97 {invoice.reference};Pera Perić;T-1\n"
        "03.12.2026;100,00;97 11 999;Neko;T-2\n"
        "03.12.2026;-50,00;;Bank fee;T-3\n"
        "bad;line;;;T-4\n"
    )
    with committed():
        result = billing.import_statement(text=statement, by=None)
    assert [line["invoice"] for line in result.applied] == [invoice.number]
    assert [line["line"] for line in result.unmatched] == [3]
    assert len(result.errors) == 1 and "Line 5" in result.errors[0]
    subscription.refresh_from_db()
    invoice.refresh_from_db()
    assert subscription.ends_at == billing.add_period(before, "year") and invoice.status == InvoiceStatus.PAID
    with committed():
        again = billing.import_statement(text=statement, by=None)
    assert not again.applied and len(again.already) == 2  # money going out is not recorded
    subscription.refresh_from_db()
    assert subscription.ends_at == billing.add_period(before, "year")
    assert BankTransfer.objects.count() == 2


def test_a_statement_paying_too_little_or_without_columns_changes_nothing(plans, member):
    small = plans[0]
    subscription = subscribe(member, small)
    order = order_for(subscription, small, member, pay_by=PayBy.BANK)
    reference = Invoice.objects.get(order=order).reference
    result = billing.import_statement(text=f"date,amount,reference\n2026-12-03,300.00,{reference}\n", by=None)
    assert not result.applied and "Less than" in result.unmatched[0]["outcome"]
    assert "missing" in billing.import_statement(text="foo,bar\n1,2\n", by=None).errors[0]
    assert billing.import_statement(text="", by=None).errors
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


def test_invoice_numbers_follow_each_other_without_gaps_and_restart_each_year(plans):
    small = plans[0]
    numbers = []
    for _ in range(3):
        member = UserFactory()
        order = order_for(subscribe(member, small), small, member, pay_by=PayBy.BANK)
        numbers.append(Invoice.objects.get(order=order).number)
    year = timezone.localdate().year
    assert numbers == [f"{year}-000001", f"{year}-000002", f"{year}-000003"]
    member = UserFactory()
    next_year = timezone.now().replace(year=year + 1)
    order = order_for(subscribe(member, small, days=500), small, member, pay_by=PayBy.BANK, now=next_year)
    assert Invoice.objects.get(order=order).number == f"{year + 1}-000001"
    assert InvoiceSequence.objects.get(year=year).last == 3


# The IPS QR code


def test_ips_payload_has_the_fields_in_the_order_the_rules_give():
    text = ips.payload(
        account="160-12345-" + ACCOUNT[-2:],
        payee="Northwind d.o.o., Beograd",
        amount=Decimal("11900"),
        purpose="Faktura 2026-000001",
        reference=ips.reference_97("2026000001"),
        payer="Pera | Perić",
    )
    assert text == (
        f"K:PR|V:01|C:1|R:{ACCOUNT}|N:Northwind d.o.o., Beograd|I:RSD11900,00|P:Pera Perić|SF:221"
        f"|S:Faktura 2026-000001|RO:97{ips.reference_97('2026000001')}"
    )


def test_ips_refuses_wrong_accounts_amounts_and_currencies():
    wrong = ACCOUNT[:-2] + f"{(int(ACCOUNT[-2:]) + 1) % 100:02d}"
    for account in (wrong, "12345", "160-12345678901234-00"):
        with pytest.raises(ips.IPSError):
            ips.normalise_account(account)
    with pytest.raises(ips.IPSError):
        ips.payload(account=ACCOUNT, payee="X", amount=Decimal("0"))
    with pytest.raises(ips.IPSError):
        ips.payload(account=ACCOUNT, payee="X", amount=Decimal("10"), currency="EUR")
    assert ips.amount_text(Decimal("1234.5")) == "1234,50"
    assert ips.reference_is_valid(ips.reference_97("123456")) and not ips.reference_is_valid("00123456")


def test_settings_refuse_a_bank_account_with_a_typo(db):
    from django.core.exceptions import ValidationError

    rules = MembershipSettings.load()
    rules.bank_account = ACCOUNT[:-1] + str((int(ACCOUNT[-1]) + 1) % 10)
    with pytest.raises(ValidationError):
        rules.clean()


# Concurrency on PostgreSQL


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are a PostgreSQL matter")
def test_concurrent_orders_payments_and_invoices_change_state_once(transactional_db):
    from tests.tickets.test_concurrency import run_at_once

    ensure_baseline()
    rules = MembershipSettings.load()
    rules.bank_account = ACCOUNT
    rules.save()
    small = make_plans()[0]
    member = UserFactory()
    subscription = subscribe(member, small)
    before = subscription.ends_at
    amount = billing.quote(subscription, small).amount
    orders = []

    def place(_index):
        orders.append(
            billing.place_order(
                subscription=subscription, plan=small, user=member, pay_by=PayBy.BANK, seen_amount=amount
            )
        )

    assert run_at_once(4, place) == []
    assert len({order.pk for order in orders}) == 1 and Invoice.objects.count() == 1
    order = orders[0]
    outcomes = []
    assert run_at_once(5, lambda _i: outcomes.append(billing.mark_paid(order=order, by=None))) == []
    assert sorted(outcomes) == ["already"] * 4 + ["applied"]
    subscription.refresh_from_db()
    assert subscription.ends_at == billing.add_period(before, "year")

    others = [subscribe(UserFactory(), small) for _ in range(8)]

    def order_other(index):
        billing.place_order(
            subscription=others[index], plan=small, user=others[index].holder, pay_by=PayBy.BANK, seen_amount=amount
        )

    assert run_at_once(8, order_other) == []
    sequences = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, 10))


def test_unknown_payment_callbacks_answer_404(client):
    assert client.get(f"/payments/process/{uuid.uuid4()}/").status_code == 404
    assert client.post(f"/payments/process/{uuid.uuid4()}/", {"status": "confirmed"}).status_code == 404
    assert client.post("/payments/process/nosuchgateway/").status_code == 400


def test_cancelled_subscriptions_are_not_renewed_here(plans, member):
    subscription = subscribe(member, plans[0], status=SubscriptionStatus.CANCELLED)
    with pytest.raises(billing.BillingError, match="cancelled"):
        billing.quote(subscription, plans[0])


def test_automatic_renewal_issues_the_invoice_with_the_reminder_once(plans, member):
    from portal.membership.services import subscriptions
    from portal.notifications.models import Notification

    small = plans[0]
    renewing = subscribe(member, small, days=6)
    ending = subscribe(UserFactory(), small, days=6, auto_renew=False)
    free = Plan.objects.create(name="Free", code="free", price=Decimal("0.00"), currency="RSD")
    free_member = UserFactory()
    gratis = subscribe(free_member, free, days=6)
    with committed():
        assert subscriptions.send_reminders() == 3
        assert subscriptions.send_reminders() == 0
    order = Order.objects.get(subscription=renewing)
    assert order.status == OrderStatus.PENDING and Invoice.objects.get(order=order).status == InvoiceStatus.DUE
    assert not Order.objects.filter(subscription=ending).exists()
    note = Notification.objects.get(recipient=member)
    assert "the invoice is ready" in note.title and note.url == f"/me/orders/{order.pk}/"
    gratis.refresh_from_db()
    assert gratis.ends_at > timezone.now() + timedelta(days=300)
    assert "renewed until" in Notification.objects.get(recipient=free_member).title


STRIPE = {
    "card": ("payments.stripe.StripeProviderV3", {"api_key": "sk_test_portal", "endpoint_secret": "whsec_portal"})
}


def stripe_signature(body: bytes, secret: str = "whsec_portal") -> str:  # noqa: S107 (a test secret)
    """The Stripe-Signature header Stripe sends: HMAC-SHA256 of "<time>.<body>" with the endpoint secret."""
    import hashlib
    import hmac
    import time

    stamp = int(time.time())
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


@pytest.fixture
def stripe_gateway(settings):
    from payments import core

    core.PROVIDER_CACHE.clear()  # django-payments keeps one provider per variant name
    settings.PAYMENT_VARIANTS = STRIPE
    yield
    core.PROVIDER_CACHE.clear()


def test_stripe_callbacks_are_verified_and_applied_once(client, stripe_gateway, plans, member):
    import json

    small = plans[0]
    subscription = subscribe(member, small)
    before = subscription.ends_at
    order = order_for(subscription, small, member)
    payment = billing.start_payment(order=order, user=member)
    event = {
        "type": "checkout.session.completed",
        "data": {"object": {"client_reference_id": payment.token, "status": "complete", "payment_status": "paid"}},
    }
    body = json.dumps(event).encode()
    url = "/payments/process/card/"
    # No signature, a forged one, and an unknown payment: refused with a reason, nothing changes.
    assert client.post(url, body, content_type="application/json").status_code == 400
    forged = client.post(url, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=stripe_signature(body, "x"))
    assert forged.status_code == 400 and "could not be verified" in forged.json()["error"]
    unknown = json.dumps(
        {**event, "data": {"object": {**event["data"]["object"], "client_reference_id": str(uuid.uuid4())}}}
    ).encode()
    assert (
        client.post(
            url, unknown, content_type="application/json", HTTP_STRIPE_SIGNATURE=stripe_signature(unknown)
        ).status_code
        == 404
    )
    subscription.refresh_from_db()
    assert subscription.ends_at == before
    # The real one, delivered twice (gateways retry): applied once.
    for _ in range(2):
        with committed():
            answer = client.post(
                url, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=stripe_signature(body)
            )
        assert answer.status_code == 200
    subscription.refresh_from_db()
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and subscription.ends_at == billing.add_period(before, "year")
    assert Invoice.objects.filter(order=order, status=InvoiceStatus.PAID).count() == 1
    assert SubscriptionEvent.objects.filter(order=order, kind="renew").count() == 1


def test_the_payment_confirmation_is_in_the_buyers_language_and_time_zone(plans):
    from portal.notifications.models import Notification

    buyer = UserFactory(locale="sr-latn", time_zone="America/New_York")
    small = plans[0]
    subscription = subscribe(buyer, small, days=5)
    subscription.ends_at = datetime(2027, 1, 1, 3, 0, tzinfo=ZoneInfo("UTC"))  # still 31 December in New York
    subscription.save()
    order = order_for(subscription, small, buyer, now=datetime(2026, 12, 20, tzinfo=ZoneInfo("UTC")))
    pay_by_card(order, buyer)
    title = Notification.objects.get(recipient=buyer, kind="membership.paid").title
    assert title.startswith("Hvala") and "2027-12-31" in title


def test_an_order_placed_again_a_day_later_charges_the_new_price_not_the_old(plans, member):
    small, large, _monthly = plans
    subscription = subscribe(member, small, days=100.5)
    now = timezone.now()
    first = order_for(subscription, large, member, now=now)
    assert first.amount == Decimal("100.00")
    old_payment = billing.start_payment(order=first, user=member)
    later = order_for(subscription, large, member, now=now + timedelta(days=1))
    assert later.pk == first.pk and later.amount == Decimal("99.00")  # what the page shows that day
    payment = billing.start_payment(order=later, user=member)
    assert payment.pk != old_payment.pk and payment.total == Decimal("99.00")


def test_a_plan_chosen_again_after_a_switch_gets_a_live_invoice_a_statement_can_pay(plans, member):
    """A → B → A: the first order's invoice was voided by the switch; choosing A again must not hand it back."""
    small, large, _monthly = plans
    subscription = subscribe(member, small)
    before = subscription.ends_at
    first = order_for(subscription, small, member, pay_by=PayBy.BANK)
    first_invoice = Invoice.objects.get(order=first)
    order_for(subscription, large, member, pay_by=PayBy.BANK)
    assert Invoice.objects.get(pk=first_invoice.pk).status == InvoiceStatus.VOID
    again = order_for(subscription, small, member, pay_by=PayBy.BANK)
    invoice = Invoice.objects.get(order=again)
    assert again.pk != first.pk and again.status == OrderStatus.PENDING
    assert invoice.status == InvoiceStatus.DUE and invoice.number != first_invoice.number
    assert billing.ips_code(invoice) is not None
    assert Invoice.objects.get(pk=first_invoice.pk).status == InvoiceStatus.VOID  # history kept
    assert order_for(subscription, small, member, pay_by=PayBy.BANK).pk == again.pk  # a double click: one order
    statement = f"Date;Amount;Reference;Payer;ID\n03.12.2026;{again.amount};97 {invoice.reference};Pera;T-9\n"
    with committed():
        result = billing.import_statement(text=statement, by=None)
    assert [line["invoice"] for line in result.applied] == [invoice.number]
    subscription.refresh_from_db()
    assert subscription.ends_at == billing.add_period(before, "year")


# IPS QR payloads against the NBS rules, with an independent check of every field.

IPS_TEXT = re.compile(r"^[A-Za-z0-9čćžšđČĆŽŠĐЀ-џ .,:;\-/()'\"!?+&@%*=_#]*$")


def fields_of(text: str) -> dict[str, str]:
    pairs = [part.split(":", 1) for part in text.split("|")]
    assert all(len(pair) == 2 for pair in pairs), text
    return dict(pairs)


@pytest.mark.parametrize(
    ("payer", "purpose"),
    [
        ("", ""),
        ("|", "| |"),
        ("   ", "\u200b"),
        ("Pera Perić iz Novog Sada, Bulevar oslobođenja 123, stan 45, sprat 6, ulaz B", "Članarina " * 10),
        ("Jürgen Müller ☃ 😀", "Invoice ✓ 2026-000001 <script>"),
        ("Ђорђе Петровић", "Чланарина за 2027. годину"),
        ("A" * 90, "B" * 50),
    ],
)
def test_ips_fields_are_never_empty_cut_mid_word_or_outside_the_character_set(payer, purpose):
    text = ips.payload(
        account=ACCOUNT, payee="Northwind d.o.o., Beograd", amount=Decimal("10"), payer=payer, purpose=purpose
    )
    fields = fields_of(text)
    assert list(fields)[:6] == ["K", "V", "C", "R", "N", "I"]
    for tag, limit in (("N", 70), ("P", 70), ("S", 35)):
        if tag not in fields:
            continue
        value = fields[tag]
        assert value and value == value.strip() and len(value) <= limit, (tag, value)
        assert IPS_TEXT.match(value), (tag, value)
    source = {"P": payer, "S": purpose}
    for tag in ("P", "S"):
        if tag in fields:
            whole = ips.fit_text(source[tag], 10_000)  # the same text, not cut
            value = fields[tag]
            assert whole.startswith(value), (tag, value)
            # Cut where a word ends, unless one word alone is longer than the field.
            assert len(value) == len(whole) or whole[len(value)] in " ,;:-/" or " " not in whole[: len(value)]
    if not payer.strip(" |\u200b"):
        assert "P" not in fields
    if not purpose.strip(" |\u200b"):
        assert "S" not in fields


def test_ips_refuses_a_reference_that_is_not_model_97_and_digits_that_are_not_ascii():
    good = ips.reference_97("2026000001")
    assert "RO:97" + good in ips.payload(account=ACCOUNT, payee="X", amount=Decimal("1"), reference=good)
    for bad in ("12345", "97-abc", good[:-1] + str((int(good[-1]) + 1) % 10), "1" * 30, "²" + good[1:], "٣٤٥٦"):
        with pytest.raises(ips.IPSError):
            ips.payload(account=ACCOUNT, payee="X", amount=Decimal("1"), reference=bad)
    with pytest.raises(ips.IPSError):
        ips.normalise_account("１６０" + ACCOUNT[3:])  # full-width digits
    with pytest.raises(ips.IPSError):
        ips.reference_97("١٢٣")  # Arabic-Indic digits


@pytest.mark.parametrize("code", ["321", "22", "2210", "²21", "٢٢١", "abc", ""])
def test_the_settings_refuse_a_payment_code_the_qr_code_would_refuse(db, code):
    from django.core.exceptions import ValidationError

    rules = MembershipSettings.load()
    rules.bank_account, rules.payee_name, rules.payment_code = ACCOUNT, "Northwind d.o.o.", code
    with pytest.raises(ValidationError) as error:
        rules.full_clean()
    assert "payment_code" in error.value.message_dict


def test_the_settings_refuse_a_payee_that_leaves_nothing_for_the_qr_code(db):
    from django.core.exceptions import ValidationError

    rules = MembershipSettings.load()
    rules.bank_account, rules.payee_name, rules.payment_code = ACCOUNT, "☃☃ |", "221"
    with pytest.raises(ValidationError) as error:
        rules.full_clean()
    assert "payee_name" in error.value.message_dict


def test_withdrawing_points_that_already_expired_never_drives_the_balance_below_zero(settings, member):
    settings.PORTAL_POINTS_EXPIRE_DAYS = 30
    start = datetime(2026, 1, 1, 12, tzinfo=ZoneInfo("UTC"))
    day = timedelta(days=1)
    ledger.settle(user=member, source="vote:1", points=10, reason="vote", now=start)
    assert ledger.balance(member, now=start + day) == 10
    assert ledger.balance(member, now=start + 31 * day) == 0  # expired
    ledger.settle(user=member, source="vote:1", points=0, reason="vote", now=start + 40 * day)  # vote taken back late
    assert ledger.balance(member, now=start + 40 * day) == 0
    assert ledger.settle(user=member, source="vote:1", points=0, reason="vote", now=start + 41 * day) == 0  # once
    # Earned again later: it counts again, and expires on its own date.
    ledger.settle(user=member, source="vote:1", points=10, reason="vote", now=start + 42 * day)
    assert ledger.balance(member, now=start + 43 * day) == 10
    assert ledger.balance(member, now=start + 73 * day) == 0

    # Part expired, part live: only the live part is taken back from the balance.
    ledger.settle(user=member, source="answer:2", points=10, reason="accepted", now=start + 100 * day)
    ledger.settle(user=member, source="answer:2", points=15, reason="accepted", now=start + 120 * day)
    assert ledger.balance(member, now=start + 135 * day) == 5  # the first 10 expired on day 130
    ledger.settle(user=member, source="answer:2", points=0, reason="accepted", now=start + 135 * day)
    for later in (135, 149, 151, 400):
        assert ledger.balance(member, now=start + later * day) == 0, later


def test_withdrawing_live_points_takes_them_back_at_once(settings, member):
    settings.PORTAL_POINTS_EXPIRE_DAYS = 30
    now = timezone.now()
    ledger.settle(user=member, source="vote:9", points=10, reason="vote", now=now)
    ledger.settle(user=member, source="vote:9", points=0, reason="vote", now=now)
    assert ledger.balance(member, now=now) == 0
    assert ledger.balance(member, now=now + timedelta(days=40)) == 0


@pytest.mark.parametrize("text", ["١٢٣", "１２３", "12²", "1e3", "NaN", "12,345,6", ""])
def test_amounts_take_ascii_digits_only(text):
    assert billing.parse_amount(text) is None


def test_amounts_as_people_and_banks_write_them():
    assert billing.parse_amount("365,00") == Decimal("365.00")
    assert billing.parse_amount(" -50.5 ") == Decimal("-50.5")
    assert billing.parse_amount("100") == Decimal("100")


def test_a_statement_reference_in_other_digits_matches_nothing(plans, member):
    small = plans[0]
    order = order_for(subscribe(member, small), small, member, pay_by=PayBy.BANK)
    invoice = Invoice.objects.get(order=order)
    arabic = invoice.reference.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    statement = f"Date;Amount;Reference;Payer;ID\n03.12.2026;365,00;97 {arabic};Pera;T-77\n"
    with committed():
        result = billing.import_statement(text=statement, by=None)
    assert not result.applied
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.DUE
