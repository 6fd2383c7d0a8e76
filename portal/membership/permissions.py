"""Who may manage a subscription, its orders and invoices. Every membership view asks here."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Invoice, Order, Subscription


def can_manage(user, subscription: Subscription) -> bool:
    """The holder of a personal subscription, or an admin of the organisation that holds it."""
    if subscription.holder_id:
        return subscription.holder_id == user.pk
    return bool(user.is_organisation_admin and user.organisation_id == subscription.organisation_id)


def can_read_invoice(user, invoice: Invoice) -> bool:
    """Whoever manages the subscription, and billing staff."""
    return can_manage(user, invoice.order.subscription) or user.has_perm("membership.view_invoice")


def access_subscription(user, pk: int) -> Subscription:
    """The subscription if `user` may manage it; 404 otherwise, as if it did not exist."""
    subscription = get_object_or_404(Subscription.objects.select_related("plan", "organisation"), pk=pk)
    if not can_manage(user, subscription):
        raise Http404
    return subscription


def access_order(user, pk: int) -> Order:
    order = get_object_or_404(Order.objects.select_related("subscription", "plan"), pk=pk)
    if not can_manage(user, order.subscription):
        raise Http404
    return order


def access_invoice(user, number: str) -> Invoice:
    invoice = get_object_or_404(
        Invoice.objects.select_related("order__subscription", "order__plan"), number=number[:20]
    )
    if not can_read_invoice(user, invoice):
        raise Http404
    return invoice
