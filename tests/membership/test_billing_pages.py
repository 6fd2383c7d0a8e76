"""The member's renew/upgrade/downgrade pages, paying, invoices, and the staff's orders page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from payments import PaymentStatus

from portal.membership.choices import InvoiceStatus, OrderStatus
from portal.membership.models import Invoice, MembershipSettings, Order, Plan, Subscription, SubscriptionEvent
from tests.factories import UserFactory
from tests.membership.test_billing import ACCOUNT, committed

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans(site):
    rules = MembershipSettings.load()
    rules.bank_account, rules.payee_name = ACCOUNT, "Northwind d.o.o."
    rules.save()
    small = Plan.objects.create(name="Small", code="small", price=Decimal("365.00"), currency="RSD")
    large = Plan.objects.create(name="Large", code="large", price=Decimal("730.00"), currency="RSD")
    return small, large


@pytest.fixture
def subscription(customer, plans):
    return Subscription.objects.create(holder=customer, plan=plans[0], ends_at=timezone.now() + timedelta(days=10.5))


def test_the_subscriptions_page_offers_renewal_and_other_plans(customer_client, subscription):
    page = customer_client.get("/me/subscriptions/").content.decode()
    assert "Your membership ends on" in page
    assert f"/me/subscriptions/{subscription.pk}/change/?plan=small" in page and "Upgrade to Large" in page


def test_the_confirmation_shows_the_proration_before_anything_is_charged(customer_client, subscription):
    response = customer_client.get(f"/me/subscriptions/{subscription.pk}/change/?plan=large")
    page = response.content.decode()
    assert response.status_code == 200 and "Upgrade to Large" in page
    assert "RSD\xa010.00" in page and "for the 10 days left" in page
    assert not Order.objects.exists()


def test_renewing_by_card_with_the_dummy_gateway(customer_client, subscription):
    before = subscription.ends_at
    url = f"/me/subscriptions/{subscription.pk}/change/"
    response = customer_client.post(url, {"plan": "small", "amount": "365.00", "pay_by": "card"})
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/me/orders/{order.pk}/pay/"
    # A double click finds the same order.
    again = customer_client.post(url, {"plan": "small", "amount": "365.00", "pay_by": "card"})
    assert again["Location"] == response["Location"] and Order.objects.count() == 1
    form = customer_client.get(f"/me/orders/{order.pk}/pay/")
    assert form.status_code == 200 and 'name="status"' in form.content.decode()
    with committed():
        paid = customer_client.post(
            f"/me/orders/{order.pk}/pay/",
            {"status": PaymentStatus.CONFIRMED, "fraud_status": "accept", "gateway_response": "3ds-disabled"},
        )
    assert paid.status_code == 302 and paid["Location"] == f"/me/orders/{order.pk}/"
    page = customer_client.get(paid["Location"]).content.decode()
    invoice = Invoice.objects.get(order=order)
    assert "Paid. Your Small membership runs until" in page and invoice.number in page
    subscription.refresh_from_db()
    assert subscription.ends_at > before + timedelta(days=360)
    # The gateway's page submitted again (back button) does not pay twice.
    repeat = customer_client.post(f"/me/orders/{order.pk}/pay/", {"status": PaymentStatus.CONFIRMED})
    assert repeat["Location"] == f"/me/orders/{order.pk}/"
    assert order.payments.count() == 1 and Invoice.objects.count() == 1


def test_a_declined_card_says_so_and_changes_nothing(customer_client, subscription):
    before = subscription.ends_at
    customer_client.post(
        f"/me/subscriptions/{subscription.pk}/change/", {"plan": "small", "amount": "365.00", "pay_by": "card"}
    )
    order = Order.objects.get()
    with committed():
        customer_client.post(
            f"/me/orders/{order.pk}/pay/",
            {"status": PaymentStatus.REJECTED, "fraud_status": "reject", "gateway_response": "3ds-disabled"},
        )
    page = customer_client.get(f"/me/orders/{order.pk}/").content.decode()
    assert "The payment did not go through, so nothing has changed" in page
    subscription.refresh_from_db()
    assert subscription.ends_at == before


def test_bank_transfer_shows_the_invoice_with_the_ips_qr_code(customer_client, subscription):
    response = customer_client.post(
        f"/me/subscriptions/{subscription.pk}/change/", {"plan": "small", "amount": "365.00", "pay_by": "bank"}
    )
    order = Order.objects.get()
    assert response["Location"] == f"/me/orders/{order.pk}/"
    page = customer_client.get(response["Location"]).content.decode()
    invoice = Invoice.objects.get(order=order)
    assert "waiting for your bank transfer" in page and invoice.reference in page and "<svg" in page
    printable = customer_client.get(f"/me/invoices/{invoice.number}/")
    assert printable.status_code == 200 and "RSD\xa0365.00" in printable.content.decode()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"plan": "small", "amount": "1.00", "pay_by": "card"}, "The price has changed"),
        ({"plan": "small", "amount": "abc", "pay_by": "card"}, "The price has changed"),
        ({"plan": "small", "amount": "365.00", "pay_by": "cash"}, "Choose how to pay"),
        ({"plan": "nope", "amount": "365.00", "pay_by": "card"}, "There is no such plan"),
        ({"plan": "x" * 5000, "amount": "365.00", "pay_by": "card"}, "There is no such plan"),
        ({"plan": "small", "amount": "365.00\x00", "pay_by": "card"}, "The price has changed"),
        ({"plan": "sm\x00all", "amount": "365.00", "pay_by": "card"}, "There is no such plan"),
        ({"plan": "small", "amount": "365.00", "pay_by": "ca\x00rd"}, "Choose how to pay"),
    ],
)
def test_tampered_or_odd_input_is_refused_with_a_message_and_nothing_stored(
    customer_client, subscription, data, message
):
    response = customer_client.post(f"/me/subscriptions/{subscription.pk}/change/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Order.objects.exists()


def test_other_peoples_subscriptions_orders_and_invoices_do_not_exist_for_you(client, subscription, customer):
    client.force_login(customer)
    client.post(f"/me/subscriptions/{subscription.pk}/change/", {"plan": "small", "amount": "365.00", "pay_by": "bank"})
    order, invoice = Order.objects.get(), Invoice.objects.get()
    client.force_login(UserFactory())
    for url in (
        f"/me/subscriptions/{subscription.pk}/change/?plan=small",
        f"/me/orders/{order.pk}/",
        f"/me/orders/{order.pk}/pay/",
        f"/me/invoices/{invoice.number}/",
        "/me/invoices/nonsense/",
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        f"/me/subscriptions/{subscription.pk}/change/", {"plan": "small", "amount": "365.00", "pay_by": "card"}
    )
    assert response.status_code == 404 and Order.objects.count() == 1
    client.logout()
    assert client.get(f"/me/invoices/{invoice.number}/").status_code == 302  # to sign in


def test_staff_mark_a_bank_transfer_paid_and_import_a_statement(client, customer, plans):
    small = plans[0]
    admin = UserFactory(role="admin")
    subscriptions = [
        Subscription.objects.create(holder=UserFactory(), plan=small, ends_at=timezone.now() + timedelta(days=5))
        for _ in range(2)
    ]
    for subscription in subscriptions:
        client.force_login(subscription.holder)
        client.post(
            f"/me/subscriptions/{subscription.pk}/change/", {"plan": "small", "amount": "365.00", "pay_by": "bank"}
        )
    first, second = Order.objects.order_by("pk")
    client.force_login(customer)
    assert client.get("/admin/membership/orders/").status_code in (302, 403)
    assert client.post(f"/admin/membership/orders/{first.pk}/paid/").status_code in (302, 403)
    first.refresh_from_db()
    assert first.status == OrderStatus.PENDING
    client.force_login(admin)
    listing = client.get("/admin/membership/orders/?status=pending").content.decode()
    assert first.invoice.number in listing and "Mark paid" in listing
    with committed():
        assert client.post(f"/admin/membership/orders/{first.pk}/paid/").status_code == 302
        client.post(f"/admin/membership/orders/{first.pk}/paid/")
    first.refresh_from_db()
    assert first.status == OrderStatus.PAID and first.invoice.status == InvoiceStatus.PAID
    assert SubscriptionEvent.objects.filter(order=first, actor=admin, kind="renew").count() == 1
    statement = f"date,amount,reference,payer,id\n2026-12-03,365.00,97{second.invoice.reference},Pera,B-1\n"
    with committed():
        page = client.post(
            "/admin/membership/orders/",
            {"statement": SimpleUploadedFile("izvod.csv", statement.encode("cp1250"), content_type="text/csv")},
        ).content.decode()
    assert "1 paid, 0 imported before, 0 need a look" in page
    second.refresh_from_db()
    assert second.status == OrderStatus.PAID
    history = client.get(f"/admin/membership/subscriptions/{second.subscription_id}/history/").content.decode()
    assert "renew" in history and "order" in history


def test_turning_renewal_off_is_in_the_audit_trail(customer_client, subscription, customer):
    customer_client.post(f"/me/subscriptions/{subscription.pk}/renewal/", {"on": "0"})
    assert SubscriptionEvent.objects.filter(subscription=subscription, kind="renewal_off", actor=customer).exists()


def test_the_subscriptions_and_orders_pages_ask_the_same_queries_for_one_or_many_orders(client, customer, plans):
    from portal.membership.services import billing

    admin = UserFactory(role="admin")
    subscription = Subscription.objects.create(
        holder=customer, plan=plans[0], ends_at=timezone.now() + timedelta(days=9)
    )

    def order_more(count):
        for _ in range(count):
            order = billing.place_order(
                subscription=subscription, plan=plans[0], user=customer, pay_by="bank", seen_amount=Decimal("365.00")
            )
            billing.settle(order)
            subscription.refresh_from_db()

    def counted(url, user):
        client.force_login(user)
        client.get(url)  # warm the session, settings and menus
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    order_more(1)
    few = counted("/me/subscriptions/", customer), counted("/admin/membership/orders/", admin)
    order_more(14)
    many = counted("/me/subscriptions/", customer), counted("/admin/membership/orders/", admin)
    assert few == many, (few, many)
    # Pinned: the member's page and the staff list (each reads the signed-in person; permissions and
    # the unread count come from the cache).
    assert few == (5, 14)


def test_odd_addresses_answer_404_not_an_error(customer_client, subscription):
    assert customer_client.get(f"/me/subscriptions/{subscription.pk}/change/?plan=a%00b").status_code == 400
    for url in ("/me/invoices/a%00b/", "/me/invoices/2026-1/", "/me/orders/999999/", "/me/orders/x/pay/"):
        assert customer_client.get(url).status_code == 404, url


@pytest.mark.parametrize("gateway_response", ["payment-error", "failure"])
def test_a_gateway_that_refuses_or_cannot_be_reached_gets_a_message_and_charges_nothing(
    customer_client, subscription, gateway_response
):
    before = subscription.ends_at
    customer_client.post(
        f"/me/subscriptions/{subscription.pk}/change/", {"plan": "small", "amount": "365.00", "pay_by": "card"}
    )
    order = Order.objects.get()
    response = customer_client.post(
        f"/me/orders/{order.pk}/pay/",
        # The dummy gateway records the status it is given, then fails as a gateway would.
        {"status": PaymentStatus.ERROR, "fraud_status": "accept", "gateway_response": gateway_response},
    )
    assert response.status_code == 302 and response["Location"] == f"/me/orders/{order.pk}/"
    page = customer_client.get(response["Location"]).content.decode()
    assert "did not accept the payment" in page and "nothing has changed" in page
    subscription.refresh_from_db()
    assert subscription.ends_at == before and not Invoice.objects.exists()


def test_a_statement_with_nul_characters_is_read(client, plans, subscription, customer):
    client.force_login(customer)
    client.post(f"/me/subscriptions/{subscription.pk}/change/", {"plan": "small", "amount": "365.00", "pay_by": "bank"})
    invoice = Invoice.objects.get()
    client.force_login(UserFactory(role="admin"))
    statement = f"date,amount,reference,payer\n2026-12-03,365.00,{invoice.reference},Pe\x00ra\n"
    with committed():
        page = client.post(
            "/admin/membership/orders/",
            {"statement": SimpleUploadedFile("izvod.csv", statement.encode(), content_type="text/csv")},
        ).content.decode()
    assert "1 paid" in page
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID


def test_opening_the_card_page_of_a_bank_transfer_order_changes_nothing(customer_client, subscription):
    customer_client.post(
        f"/me/subscriptions/{subscription.pk}/change/", {"plan": "small", "amount": "365.00", "pay_by": "bank"}
    )
    order = Order.objects.get()
    for _visit in range(3):  # a link preview, a prefetch, a reload
        page = customer_client.get(f"/me/orders/{order.pk}/pay/")
        assert page.status_code == 200 and 'name="start"' in page.content.decode()
    order.refresh_from_db()
    assert order.pay_by == "bank" and order.payments.count() == 0
    # Confirming by POST switches it and shows the gateway's form; reading it again finds the same payment.
    response = customer_client.post(f"/me/orders/{order.pk}/pay/", {"start": "1"})
    assert response.status_code == 200 and 'name="status"' in response.content.decode()
    assert 'name="status"' in customer_client.get(f"/me/orders/{order.pk}/pay/").content.decode()
    order.refresh_from_db()
    assert order.pay_by == "card" and order.payments.count() == 1
