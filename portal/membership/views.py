"""The member's benefits page (/me/benefits/): tier, progress, points, and redeeming benefits."""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from payments import PaymentError, RedirectNeeded

from . import permissions
from . import points as ledger
from .choices import InvoiceStatus, OrderStatus, PayBy
from .forms import AutoRenewForm, PlaceOrderForm, PlanForm
from .models import Benefit, Invoice, Plan, Redemption
from .services import benefits as catalogue
from .services import billing
from .services import subscriptions as plans

logger = logging.getLogger(__name__)

SHOWN_CODE = "membership_shown_code"


@login_required
def benefits(request):
    mine = catalogue.standing(request.user)
    shown = None
    redemption_id = request.session.pop(SHOWN_CODE, None)
    if redemption_id:
        shown = Redemption.objects.filter(pk=redemption_id, user=request.user).select_related("code", "benefit").first()
    history = list(ledger.history(request.user, limit=30))
    for entry in history:
        entry.reason_label = ledger.reason_label(entry.reason)
    return render(
        request,
        "membership/benefits.html",
        {
            "standing": mine,
            "benefits": catalogue.available_benefits(request.user, mine.tier),
            "history": history,
            "redemptions": Redemption.objects.filter(user=request.user).select_related("benefit")[:20],
            "shown": shown,
        },
    )


@login_required
@require_POST
def redeem(request, pk):
    benefit = get_object_or_404(Benefit, pk=pk)
    try:
        redemption = catalogue.redeem(user=request.user, benefit=benefit)
    except catalogue.BenefitError as error:
        messages.error(request, str(error))
        return redirect("membership:benefits")
    request.session[SHOWN_CODE] = redemption.pk  # the code is shown once, on the next page
    messages.success(request, _("Redeemed: %(title)s.") % {"title": benefit.title})
    return redirect("membership:benefits")


@login_required
def subscriptions(request):
    shown = plans.for_member(request.user)
    offered = list(Plan.objects.filter(is_active=True))
    for item in shown:
        current = item.subscription.plan
        if not item.can_manage or current is None:
            continue
        # (plan, is an upgrade): plans are compared by their daily price, as proration does.
        item.choices = [
            (plan, billing.daily_rate(plan) > billing.daily_rate(current))
            for plan in offered
            if plan != current and plan.currency == current.currency
        ]
    return render(
        request,
        "membership/subscriptions.html",
        {"subscriptions": shown, "orders": billing.orders_for(request.user)[:20]},
    )


@never_cache
@login_required
def change(request, pk):
    """Confirm a renewal, upgrade or downgrade: what it costs and gives, then how to pay."""
    subscription = permissions.access_subscription(request.user, pk)
    choice = PlanForm(request.POST if request.method == "POST" else request.GET, current=subscription.plan)
    plan = choice.cleaned_data["plan"] if choice.is_valid() else None
    context = {"subscription": subscription, "plan": plan, "methods": _payment_methods()}
    if plan is None:
        context["error"] = choice.errors["plan"][0]
        return render(request, "membership/change.html", context, status=400)
    try:
        offer = billing.quote(subscription, plan)
    except billing.BillingError as error:
        context["error"] = str(error)
        return render(request, "membership/change.html", context, status=400)
    context["quote"] = offer
    if request.method != "POST":
        return render(request, "membership/change.html", context)
    placing = PlaceOrderForm(request.POST)
    placing.is_valid()  # every field is optional; the service says what is wrong with the values
    try:
        order = billing.place_order(
            subscription=subscription,
            plan=plan,
            user=request.user,
            pay_by=placing.cleaned_data.get("pay_by", ""),
            seen_amount=placing.cleaned_data.get("amount"),
            ip=request.META.get("REMOTE_ADDR"),
        )
    except billing.BillingError as error:
        context["error"] = str(error)
        return render(request, "membership/change.html", context, status=400)
    if order.status == OrderStatus.PAID:
        messages.success(request, _("Done: your membership is up to date."))
        return redirect("membership:order", order.pk)
    if order.pay_by == PayBy.CARD:
        return redirect("membership:pay", order.pk)
    return redirect("membership:order", order.pk)


def _payment_methods():
    methods = []
    if billing.card_offered():
        methods.append((PayBy.CARD, _("Card")))
    if billing.bank_transfer_offered():
        methods.append((PayBy.BANK, _("Bank transfer (invoice with an IPS QR code)")))
    return methods


@never_cache
@login_required
def pay(request, pk):
    """The card payment page: the gateway's form (or a redirect to the gateway).

    Reading it changes nothing: without a card payment in progress it asks to confirm (a POST,
    which switches a bank-transfer order to card and starts the payment); the gateway's own form
    posts back here.
    """
    order = permissions.access_order(request.user, pk)
    if order.status != OrderStatus.PENDING:
        return redirect("membership:order", order.pk)
    if request.method == "POST":
        starting = "start" in request.POST
    else:
        starting = False
        if billing.open_payment(order) is None:
            return render(request, "membership/pay.html", {"order": order, "form": None})
    try:
        payment = billing.start_payment(order=order, user=request.user, ip=request.META.get("REMOTE_ADDR"))
        form = payment.get_form(data=None if starting or request.method != "POST" else request.POST)
    except billing.BillingError as error:
        messages.error(request, str(error))
        return redirect("membership:order", order.pk)
    except (PaymentError, OSError) as error:  # the gateway refused or could not be reached
        logger.warning("Payment for order %s could not go ahead: %s", order.pk, error)
        messages.error(request, _("The payment service did not accept the payment. Nothing was charged; try again."))
        return redirect("membership:order", order.pk)
    except RedirectNeeded as needed:
        target = str(needed)
        own = reverse("membership:order", args=[order.pk])
        # Our own page is reached on whichever host the member uses; a gateway's address as given.
        return redirect(own if urlsplit(target).path == own else target)
    return render(request, "membership/pay.html", {"order": order, "form": form})


@never_cache
@login_required
def order(request, pk):
    order = permissions.access_order(request.user, pk)
    invoice = Invoice.objects.filter(order=order).first()
    return render(
        request,
        "membership/order.html",
        {
            "order": order,
            "invoice": invoice,
            "qr": billing.ips_code(invoice) if invoice and order.pay_by == PayBy.BANK else None,
            "bank": billing.MembershipSettings.load(),
            "failed": order.status == OrderStatus.FAILED,
            "can_pay_by_card": order.status == OrderStatus.PENDING and billing.card_offered(),
        },
    )


@never_cache
@login_required
def invoice(request, number):
    """The printable invoice: the buyer (or their organisation's admins) and billing staff only."""
    invoice = permissions.access_invoice(request.user, number)
    bank = billing.MembershipSettings.load()
    return render(
        request,
        "membership/invoice.html",
        {
            "invoice": invoice,
            "bank": bank,
            "qr": billing.ips_code(invoice),
            "due": invoice.status == InvoiceStatus.DUE,
            "seller": bank.payee_name or settings.WAGTAIL_SITE_NAME,
        },
    )


@login_required
@require_POST
def auto_renew(request, pk):
    subscription = permissions.access_subscription(request.user, pk)
    form = AutoRenewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether the membership renews."))
        return redirect("membership:subscriptions")
    turn_on = form.cleaned_data["on"]
    try:
        plans.set_auto_renew(subscription=subscription, user=request.user, on=turn_on)
    except plans.SubscriptionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Your membership renews automatically.")
            if turn_on
            else _("Your membership ends at the end of the period."),
        )
    return redirect("membership:subscriptions")
