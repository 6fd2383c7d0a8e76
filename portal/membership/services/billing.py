"""Orders, payments and invoices for subscriptions: renew, upgrade, downgrade, paid once.

The rules:

- A quote is computed on the server from the subscription and the plan; the form only says
  which plan and the amount the member saw, and a different amount is refused.
- An order's key names the change (subscription, kind, plan, the period end it changes), so a
  double click, two tabs or a retried request find the same order instead of a second one.
- `settle` applies a paid order under a row lock on the order and its subscription: a retried
  gateway callback, a bank statement imported twice, or two paths at once change it once.
  A payment for an order that is already paid (or was replaced) is refunded, not applied.
- Proration is in the member's favour: an upgrade charges the difference for the whole days left,
  rounded down to the cent; a downgrade credits the difference for the days left, counted up,
  and the credit is taken off the next order.
- Invoices are numbered per year from one counter row incremented inside the issuing
  transaction: no gaps, no duplicates.
"""

import calendar
import csv
import io
import logging
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, ROUND_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from payments import PaymentStatus

from portal.formatting import format_money
from portal.notifications.services import notify

from .. import ips
from .. import points as ledger
from ..choices import BillingPeriod, InvoiceStatus, OrderKind, OrderStatus, PayBy, PointsReason, SubscriptionStatus
from ..models import (
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
from ..permissions import can_manage

logger = logging.getLogger(__name__)

ledger.register_reasons(PointsReason)

CENT = Decimal("0.01")
PERIOD_DAYS = {BillingPeriod.MONTH: 30, BillingPeriod.YEAR: 365}


class BillingError(Exception):
    """The change cannot be made; the message says why in the member's words."""


@dataclass(frozen=True)
class Quote:
    subscription: Subscription
    plan: Plan
    kind: str
    price: Decimal  # what the change costs before credit
    credit_used: Decimal
    credit_given: Decimal
    amount: Decimal  # what is paid now
    base_ends_at: datetime
    new_ends_at: datetime
    days_left: int
    lines: list[tuple[str, Decimal]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.subscription.pk}:{self.kind}:{self.plan.pk}:{int(self.base_ends_at.timestamp())}"

    @property
    def currency(self) -> str:
        return self.plan.currency


def add_period(start: datetime, period: str) -> datetime:
    """One billing period after `start`: the same day next month or next year (the 31st → the 30th,
    29 February → 28 February when the month is shorter)."""
    local = timezone.localtime(start)
    if period == BillingPeriod.MONTH:
        year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    else:
        year, month = local.year + 1, local.month
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)


def daily_rate(plan: Plan) -> Decimal:
    return plan.price / PERIOD_DAYS[plan.billing_period]


def quote(subscription: Subscription, plan: Plan, *, now: datetime | None = None) -> Quote:
    """What moving this subscription to `plan` (the same plan: renewing) costs now, and gives."""
    now = now or timezone.now()
    current = subscription.plan
    if subscription.status == SubscriptionStatus.CANCELLED:
        raise BillingError(_("This subscription was cancelled. Contact us to start a new one."))
    if current is not None and plan.currency != current.currency:
        raise BillingError(_("This plan is billed in another currency. Contact us to change to it."))
    if not plan.is_active and plan != current:
        raise BillingError(_("This plan is no longer offered."))
    credit = subscription.credit
    running = subscription.ends_at > now
    if current is None or plan == current or not running:
        # A renewal (onto a new plan too when the period has run out). Within the grace period the
        # new period follows on from the old one; after it, it starts today.
        grace = timedelta(days=MembershipSettings.load().grace_days)
        start = subscription.ends_at if subscription.ends_at + grace > now else now
        price = plan.price
        credit_used = min(credit, price)
        lines = [(_("%(plan)s, one period") % {"plan": plan.name}, price)]
        if credit_used:
            lines.append((_("Your credit"), -credit_used))
        return Quote(
            subscription,
            plan,
            OrderKind.RENEW,
            price,
            credit_used,
            Decimal("0"),
            price - credit_used,
            subscription.ends_at,
            add_period(start, plan.billing_period),
            0,
            lines,
        )
    seconds_left = (subscription.ends_at - now).total_seconds()
    difference = daily_rate(plan) - daily_rate(current)
    if difference > 0:
        days = math.floor(seconds_left / 86400)  # partial days are not charged
        price = (difference * days).quantize(CENT, rounding=ROUND_DOWN)
        credit_used = min(credit, price)
        lines = [
            (
                _("%(plan)s for the %(days)s days left, less what you paid for them")
                % {"plan": plan.name, "days": days},
                price,
            )
        ]
        if credit_used:
            lines.append((_("Your credit"), -credit_used))
        return Quote(
            subscription,
            plan,
            OrderKind.UPGRADE,
            price,
            credit_used,
            Decimal("0"),
            price - credit_used,
            subscription.ends_at,
            subscription.ends_at,
            days,
            lines,
        )
    days = math.ceil(seconds_left / 86400)  # a started day is credited
    credit_given = (-difference * days).quantize(CENT, rounding=ROUND_UP)
    lines = [(_("Credit for the %(days)s days left at the lower price") % {"days": days}, -credit_given)]
    return Quote(
        subscription,
        plan,
        OrderKind.DOWNGRADE,
        Decimal("0"),
        Decimal("0"),
        credit_given,
        Decimal("0"),
        subscription.ends_at,
        subscription.ends_at,
        days,
        lines,
    )


AMOUNT = re.compile(r"-?[0-9]{1,12}([.,][0-9]{1,2})?")


def parse_amount(text) -> Decimal | None:
    """An amount as people and banks write it ("1234,50", "-50.00"), in ASCII digits only (Decimal
    would read "١٢" and "１２" too)."""
    text = str(text).strip()
    if not AMOUNT.fullmatch(text):
        return None
    try:
        value = Decimal(text.replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _event(subscription, kind: str, *, order=None, actor=None, detail: str = "", now=None) -> None:
    SubscriptionEvent.objects.create(
        subscription=subscription,
        order=order,
        actor=actor,
        kind=kind,
        detail=detail[:255],
        created_at=now or timezone.now(),
    )


def bank_transfer_offered() -> bool:
    return bool(MembershipSettings.load().bank_account)


def card_offered() -> bool:
    from django.conf import settings

    return "card" in settings.PAYMENT_VARIANTS


@transaction.atomic
def place_order(
    *,
    subscription: Subscription,
    plan: Plan,
    user,
    pay_by: str,
    seen_amount: Decimal | None,
    now=None,
    ip: str | None = None,
) -> Order:
    """Create (or find again) the order for this change. Free changes are applied at once; a bank
    transfer gets its invoice, a card its gateway payment, in the same confirming POST."""
    now = now or timezone.now()
    subscription = Subscription.objects.select_for_update(of=("self",)).select_related("plan").get(pk=subscription.pk)
    if not can_manage(user, subscription):
        raise BillingError(_("Only the holder, or an admin of the organisation, can change this subscription."))
    offer = quote(subscription, plan, now=now)
    existing = Order.objects.select_for_update().filter(key=offer.key).first()
    if existing is not None and existing.status == OrderStatus.PAID:
        return existing  # already done: the caller shows it
    if existing is not None and Invoice.objects.filter(order=existing, status=InvoiceStatus.VOID).exists():
        # Its invoice was withdrawn (the order was replaced, then chosen again): a void invoice stays
        # void, so the change gets a new order and a live invoice; the old one keeps its history.
        retired_key = f"{existing.key[:100]}~retired-{existing.pk}"
        Order.objects.filter(pk=existing.pk).update(key=retired_key)
        existing = None
    if seen_amount is None or (seen_amount != offer.amount and (existing is None or seen_amount != existing.amount)):
        raise BillingError(_("The price has changed since the page was shown. Check the new price and confirm again."))
    if offer.amount and pay_by not in _methods():
        raise BillingError(_("Choose how to pay."))
    pay_by = pay_by if offer.amount else PayBy.NONE
    # Another change waiting for payment is replaced by this one: only one can apply to a period.
    for stale in Order.objects.filter(subscription=subscription, status=OrderStatus.PENDING).exclude(key=offer.key):
        _cancel(stale, actor=user, now=now, detail=_("Replaced by a newer order."))
    values = {
        "buyer": user,
        "kind": offer.kind,
        "plan": plan,
        "pay_by": pay_by,
        "price": offer.price,
        "credit_used": offer.credit_used,
        "credit_given": offer.credit_given,
        "amount": offer.amount,
        "currency": offer.currency,
        "base_ends_at": offer.base_ends_at,
        "new_ends_at": offer.new_ends_at,
    }
    if existing is None:
        order = Order.objects.create(subscription=subscription, key=offer.key, created_at=now, **values)
        _event(subscription, "order", order=order, actor=user, detail=_describe(order), now=now)
    else:
        order = existing
        if order.status != OrderStatus.PENDING or order.pay_by != pay_by or order.amount != offer.amount:
            # A failed, replaced or older order is tried again; nothing was taken, so the current quote
            # stands (an upgrade costs less each day: the member pays what the page showed).
            if _has_confirmed_payment(order):
                return order
            for name, value in values.items():
                setattr(order, name, value)
            order.status = OrderStatus.PENDING
            order.save()
            _event(subscription, "order", order=order, actor=user, detail=_describe(order), now=now)
    if order.amount == 0:
        _apply(order, subscription, actor=user, now=now)
    elif order.pay_by == PayBy.BANK:
        issue_invoice(order, now=now)
    elif order.pay_by == PayBy.CARD and order.status == OrderStatus.PENDING:
        start_payment(order=order, user=user, ip=ip)
    return order


def prepare_renewal(subscription: Subscription, *, now=None) -> Order | None:
    """Automatic renewal, run with the reminders: a free plan is renewed at once; a paid plan gets
    its renewal invoice for bank transfer (cards are not kept on file). Returns the order, or None
    when there is nothing to prepare. Repeated runs find the same order."""
    now = now or timezone.now()
    waiting = Order.objects.filter(subscription=subscription, status=OrderStatus.PENDING).first()
    if waiting is not None:
        return waiting
    if subscription.holder_id:
        buyer = subscription.holder
    else:
        buyer = subscription.organisation.members.filter(is_organisation_admin=True, is_active=True).first()
    if buyer is None or subscription.plan is None:
        return None
    try:
        offer = quote(subscription, subscription.plan, now=now)
        if offer.amount and not bank_transfer_offered():
            return None
        return place_order(
            subscription=subscription,
            plan=subscription.plan,
            user=buyer,
            pay_by=PayBy.BANK,
            seen_amount=offer.amount,
            now=now,
        )
    except BillingError:
        return None


def _methods() -> set[str]:
    methods = set()
    if card_offered():
        methods.add(PayBy.CARD)
    if bank_transfer_offered():
        methods.add(PayBy.BANK)
    return methods


def _describe(order: Order) -> str:
    return _("%(kind)s to %(plan)s: %(amount)s (%(pay_by)s)") % {
        "kind": order.get_kind_display(),
        "plan": order.plan.name,
        "amount": format_money(order.amount, order.currency),
        "pay_by": order.get_pay_by_display(),
    }


def _has_confirmed_payment(order: Order) -> bool:
    return order.payments.filter(status__in=[PaymentStatus.CONFIRMED, PaymentStatus.PREAUTH]).exists()


def _cancel(order: Order, *, actor, now, detail: str) -> None:
    order.status = OrderStatus.CANCELLED
    order.save(update_fields=["status"])
    Invoice.objects.filter(order=order, status=InvoiceStatus.DUE).update(status=InvoiceStatus.VOID)
    _event(order.subscription, "order_cancelled", order=order, actor=actor, detail=detail, now=now)


def open_payment(order: Order) -> Payment | None:
    """The gateway payment in progress for an order, if any (reading only)."""
    return (
        order.payments.filter(status__in=[PaymentStatus.WAITING, PaymentStatus.INPUT], total=order.amount)
        .order_by("pk")
        .last()
    )


@transaction.atomic
def start_payment(*, order: Order, user, ip: str | None = None) -> Payment:
    """The gateway payment for an order: the one already in progress, or a new attempt."""
    order = Order.objects.select_for_update(of=("self",)).select_related("subscription", "plan").get(pk=order.pk)
    if not can_manage(user, order.subscription):
        raise BillingError(_("Only the holder, or an admin of the organisation, can pay this order."))
    if order.status != OrderStatus.PENDING:
        raise BillingError(_("This order is not waiting for payment."))
    if not card_offered():
        raise BillingError(_("Card payments are not available. Choose bank transfer."))
    in_progress = open_payment(order)
    if in_progress is not None:
        return in_progress
    if order.pay_by != PayBy.CARD:
        order.pay_by = PayBy.CARD
        order.save(update_fields=["pay_by"])
    return Payment.objects.create(
        order=order,
        variant="card",
        description=_describe(order),
        total=order.amount,
        currency=order.currency,
        billing_email=user.email,
        billing_first_name=user.first_name,
        billing_last_name=user.last_name,
        customer_ip_address=ip,
    )


def payment_changed(payment: Payment) -> None:
    """Called whenever a gateway changes a payment's status (django-payments' status_changed)."""
    if payment.status == PaymentStatus.CONFIRMED:
        settle(payment.order, payment=payment)
    elif payment.status in (PaymentStatus.REJECTED, PaymentStatus.ERROR):
        _payment_failed(payment)


@transaction.atomic
def _payment_failed(payment: Payment) -> None:
    order = Order.objects.select_for_update().get(pk=payment.order_id)
    if order.status == OrderStatus.PENDING and not _has_confirmed_payment(order):
        order.status = OrderStatus.FAILED
        order.save(update_fields=["status"])
        _event(order.subscription, "payment_failed", order=order, detail=payment.message or payment.status)


@transaction.atomic
def settle(order: Order, *, payment: Payment | None = None, by=None, now=None):
    """The order has been paid: apply it once. Returns a short word for what happened
    ("applied", "already", "refund")."""
    now = now or timezone.now()
    order = Order.objects.select_for_update().get(pk=order.pk)
    subscription = (
        Subscription.objects.select_for_update(of=("self",)).select_related("plan").get(pk=order.subscription_id)
    )
    if payment is not None and (payment.total != order.amount or payment.currency != order.currency):
        _event(subscription, "payment_mismatch", order=order, detail=f"{payment.total} {payment.currency}")
        _refund(payment)
        return "refund"
    if order.status == OrderStatus.PAID:
        if (
            payment is not None
            and order.payments.filter(status=PaymentStatus.CONFIRMED).exclude(pk=payment.pk).exists()
        ):
            # Two gateway payments for one order: the second one goes back.
            _event(subscription, "duplicate_payment", order=order, detail=str(payment.pk))
            _refund(payment)
            return "refund"
        return "already"
    stale = (
        order.status == OrderStatus.CANCELLED
        or subscription.ends_at != order.base_ends_at
        or subscription.credit < order.credit_used
    )
    if stale:
        _event(subscription, "stale_payment", order=order, actor=by, detail=_("Paid after the order was replaced."))
        if payment is not None:
            _refund(payment)
        return "refund"
    _apply(order, subscription, actor=by, now=now, payment=payment)
    return "applied"


def _refund(payment: Payment) -> None:
    try:
        payment.refund()
    except Exception:  # the gateway refused: staff see the event and refund by hand
        logger.exception("Refund of payment %s failed", payment.pk)


def _apply(order: Order, subscription: Subscription, *, actor, now, payment=None) -> None:
    before = (subscription.plan.name if subscription.plan else "—", subscription.ends_at)
    subscription.plan = order.plan
    subscription.ends_at = order.new_ends_at
    subscription.credit = subscription.credit - order.credit_used + order.credit_given
    subscription.status = SubscriptionStatus.ACTIVE
    subscription.save(update_fields=["plan", "ends_at", "credit", "status"])
    order.status = OrderStatus.PAID
    order.paid_at = now
    order.save(update_fields=["status", "paid_at"])
    if order.amount:
        invoice = issue_invoice(order, now=now)
        invoice.status, invoice.paid_at = InvoiceStatus.PAID, now
        invoice.save(update_fields=["status", "paid_at"])
    _event(
        subscription,
        order.kind,
        order=order,
        actor=actor,
        detail=_("Plan %(before_plan)s → %(plan)s; ends %(before)s → %(after)s")
        % {
            "before_plan": before[0],
            "plan": order.plan.name,
            "before": f"{before[1]:%Y-%m-%d}",
            "after": f"{order.new_ends_at:%Y-%m-%d}",
        },
        now=now,
    )
    rules = MembershipSettings.load()
    earned = int(order.amount * rules.points_per_100 / 100)
    if earned and order.buyer_id:
        ledger.settle(
            user=order.buyer,
            source=f"order:{order.pk}",
            points=earned,
            reason=PointsReason.PURCHASE,
            note=order.plan.name,
            now=now,
        )
    if order.buyer_id and order.amount:  # free changes are confirmed on the page (or by the reminder)
        # A gateway's callback carries no language: the buyer reads it in theirs, in their time zone.
        buyer = order.buyer
        until = timezone.localtime(order.new_ends_at, ZoneInfo(buyer.time_zone)).strftime("%Y-%m-%d")
        with translation.override(buyer.locale):
            title = _("Thank you: your %(plan)s membership runs until %(date)s") % {
                "plan": order.plan.name,
                "date": until,
            }
        notify(
            recipients=[buyer], kind="membership.paid", title=title, url=reverse("membership:order", args=[order.pk])
        )


def _next_invoice_number(year: int) -> int:
    InvoiceSequence.objects.get_or_create(year=year)
    InvoiceSequence.objects.filter(year=year).update(last=F("last") + 1)
    return InvoiceSequence.objects.get(year=year).last


def issue_invoice(order: Order, *, now=None) -> Invoice:
    """The order's invoice (issued once; later calls return it)."""
    existing = Invoice.objects.filter(order=order).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    year = timezone.localtime(now).year
    sequence = _next_invoice_number(year)
    subscription = order.subscription
    if subscription.organisation_id:
        buyer_name = subscription.organisation.name
    else:
        holder = subscription.holder
        buyer_name = holder.get_full_name() or holder.email
    lines = [{"description": text, "amount": str(amount)} for text, amount in _invoice_lines(order)]
    return Invoice.objects.create(
        order=order,
        year=year,
        sequence=sequence,
        number=f"{year}-{sequence:06d}",
        buyer_name=buyer_name[:200],
        buyer_email=order.buyer.email if order.buyer_id else "",
        lines=lines,
        total=order.amount,
        currency=order.currency,
        reference=ips.reference_97(f"{year}{sequence:06d}"),
        issued_at=now,
        due_at=now + timedelta(days=MembershipSettings.load().invoice_due_days),
    )


def _invoice_lines(order: Order) -> list[tuple[str, Decimal]]:
    period = f"{timezone.localtime(order.base_ends_at):%Y-%m-%d} – {timezone.localtime(order.new_ends_at):%Y-%m-%d}"
    if order.kind == OrderKind.RENEW:
        lines = [(_("%(plan)s membership, %(period)s") % {"plan": order.plan.name, "period": period}, order.price)]
    else:
        lines = [
            (_("Change to %(plan)s until %(date)s") % {"plan": order.plan.name, "date": period[-10:]}, order.price)
        ]
    if order.credit_used:
        lines.append((_("Credit"), -order.credit_used))
    return lines


def ips_code(invoice: Invoice) -> str | None:
    """The invoice's IPS QR code as inline SVG, or None when it cannot be paid that way."""
    rules = MembershipSettings.load()
    if invoice.currency != "RSD" or not rules.bank_account or invoice.status != InvoiceStatus.DUE:
        return None
    payee = ", ".join(part for part in (rules.payee_name, rules.payee_address) if part)
    try:
        text = ips.payload(
            account=rules.bank_account,
            payee=payee,
            amount=invoice.total,
            payment_code=rules.payment_code,
            purpose=_("Invoice %(number)s") % {"number": invoice.number},
            reference=invoice.reference,
            payer=invoice.buyer_name,
        )
    except ips.IPSError:
        logger.warning("Invoice %s cannot have an IPS QR code", invoice.number)
        return None
    return ips.qr_svg(text, title=_("IPS QR code for invoice %(number)s") % {"number": invoice.number})


@transaction.atomic
def mark_paid(*, order: Order, by, now=None) -> str:
    """Staff saw the money arrive (a bank transfer): apply the order once."""
    return settle(order, by=by, now=now)


@dataclass
class ImportResult:
    applied: list = field(default_factory=list)
    already: list = field(default_factory=list)
    unmatched: list = field(default_factory=list)
    errors: list = field(default_factory=list)


STATEMENT_HEADERS = {
    "date": {"date", "booked", "booking date", "datum"},
    "amount": {"amount", "credit", "iznos", "znesek"},
    "reference": {"reference", "poziv na broj", "sklic", "reference number"},
    "payer": {"payer", "uplatilac", "name", "plačnik"},
    "id": {"id", "transaction", "transaction id", "broj naloga"},
}


def _statement_columns(header: list[str]) -> dict[str, int]:
    columns = {}
    for index, name in enumerate(header):
        name = name.strip().lower()
        for key, names in STATEMENT_HEADERS.items():
            if name in names and key not in columns:
                columns[key] = index
    return columns


def _parse_date(text: str) -> date | None:
    text = text.strip()
    for form in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%Y.", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


def _invoices_for_references(rows: list[list[str]], column: int) -> dict[str, Invoice]:
    """The invoices a statement's references can name (with or without the model 97 in front), in
    one query: references are stored as digits."""
    wanted = set()
    for row in rows:
        digits = re.sub(r"[^0-9]", "", row[column]) if len(row) > column else ""
        if digits:
            wanted.add(digits)
            if digits.startswith("97"):
                wanted.add(digits[2:])
    found = Invoice.objects.filter(reference__in=wanted).exclude(status=InvoiceStatus.VOID).select_related("order")
    return {invoice.reference: invoice for invoice in found}


def import_statement(*, text: str, by) -> ImportResult:
    """Match a bank statement's incoming payments to bank-transfer invoices by their reference.

    Each line is recorded once (by the bank's transaction id, or by its date, amount and
    reference when the bank gives none), so importing the same statement again changes nothing.
    """
    result = ImportResult()
    sample = text[:2048]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    if not rows:
        result.errors.append(_("The file is empty."))
        return result
    columns = _statement_columns(rows[0])
    missing = [name for name in ("date", "amount", "reference") if name not in columns]
    if missing:
        result.errors.append(
            _("The first line must name the columns; missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
        return result
    invoices = _invoices_for_references(rows[1:], columns["reference"])
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            cells = {key: row[index].strip() for key, index in columns.items()}
        except IndexError:
            result.errors.append(_("Line %(line)s has too few columns.") % {"line": number})
            continue
        booked, amount = _parse_date(cells["date"]), parse_amount(cells["amount"].replace(" ", ""))
        if booked is None or amount is None:
            result.errors.append(_("Line %(line)s: the date or the amount cannot be read.") % {"line": number})
            continue
        if amount <= 0:
            continue  # money going out is not ours to match
        digits = re.sub(r"[^0-9]", "", cells["reference"])
        transaction_id = cells.get("id") or f"{booked:%Y%m%d}:{amount}:{digits}:{number}"
        line = {"line": number, "amount": amount, "reference": cells["reference"], "payer": cells.get("payer", "")}
        with transaction.atomic():
            transfer, created = BankTransfer.objects.get_or_create(
                transaction_id=transaction_id[:120],
                defaults={
                    "booked_on": booked,
                    "amount": amount,
                    "reference": cells["reference"][:40],
                    "payer": cells.get("payer", "")[:200],
                    "imported_by": by,
                    "outcome": "",
                },
            )
            if not created:
                result.already.append(line)
                continue
            invoice = invoices.get(digits) or invoices.get(digits[2:] if digits.startswith("97") else "")
            if invoice is None:
                transfer.outcome = _("No invoice has this reference.")
            elif amount < invoice.total:
                transfer.outcome = _("Less than invoice %(number)s asks for.") % {"number": invoice.number}
                transfer.order = invoice.order
            else:
                transfer.order = invoice.order
                outcome = settle(invoice.order, by=by)
                transfer.outcome = {
                    "applied": _("Invoice %(number)s paid."),
                    "already": _("Invoice %(number)s was already paid."),
                    "refund": _("Invoice %(number)s was cancelled: return the money."),
                }[outcome] % {"number": invoice.number}
                if outcome == "applied":
                    line["invoice"] = invoice.number
                    result.applied.append(line)
                    transfer.save()
                    continue
            transfer.save()
            line["outcome"] = transfer.outcome
            result.unmatched.append(line)
    return result


def orders_for(user):
    """Orders of the subscriptions this person manages, newest first (their own and, for an
    organisation admin, the organisation's)."""
    from django.db.models import Q

    condition = Q(subscription__holder=user)
    if user.organisation_id and user.is_organisation_admin:
        condition |= Q(subscription__organisation_id=user.organisation_id)
    return Order.objects.filter(condition).select_related("plan", "invoice").order_by("-created_at", "-pk")
