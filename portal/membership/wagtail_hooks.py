from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .choices import OrderStatus
from .models import Benefit, Order, Plan, Subscription, SubscriptionEvent, Tier
from .services import billing
from .services.benefits import import_codes


class SubscriptionViewSet(SnippetViewSet):
    model = Subscription
    icon = "tick-inverse"
    menu_label = gettext_lazy("Subscriptions")
    list_display = ["__str__", "status", "starts_at", "ends_at"]
    list_filter = ["status"]


class PlanViewSet(SnippetViewSet):
    model = Plan
    icon = "form"
    list_display = ["name", "code", "price", "currency", "billing_period", "is_active"]


class TierViewSet(SnippetViewSet):
    model = Tier
    icon = "pick"
    list_display = ["name", "rank", "min_points", "min_tenure_days"]


class BenefitViewSet(SnippetViewSet):
    model = Benefit
    icon = "tag"
    list_display = ["title", "tier", "redeem_by", "valid_until", "is_active"]
    list_filter = ["tier", "redeem_by", "is_active"]


class BenefitCodesForm(forms.Form):
    benefit = forms.ModelChoiceField(label=gettext_lazy("Benefit"), queryset=Benefit.objects.filter(redeem_by="code"))
    codes = forms.CharField(
        label=gettext_lazy("Codes, one per line"), widget=forms.Textarea(attrs={"rows": 12}), max_length=500_000
    )


def import_codes_view(request):
    if not request.user.has_perm("membership.change_benefit"):
        raise PermissionDenied
    form = BenefitCodesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        added, known = import_codes(benefit=form.cleaned_data["benefit"], text=form.cleaned_data["codes"])
        messages.success(
            request, _("%(added)s codes added, %(known)s were already there.") % {"added": added, "known": known}
        )
        return redirect("membership_codes")
    pools = Benefit.objects.filter(redeem_by="code").annotate(
        free=Count("codes", filter=Q(codes__redeemed_by__isnull=True)), total=Count("codes")
    )
    return render(request, "membership/admin/codes.html", {"form": form, "pools": pools})


class StatementForm(forms.Form):
    statement = forms.FileField(
        label=gettext_lazy("Bank statement (CSV)"),
        help_text=gettext_lazy(
            "The first line names the columns: date, amount, reference, and optionally payer and id."
        ),
    )


def orders_view(request):
    """Orders with their payment state; bank transfers are marked paid here or by a statement."""
    if not request.user.has_perm("membership.view_order"):
        raise PermissionDenied
    status = request.GET.get("status", "")
    orders = Order.objects.select_related("subscription__holder", "subscription__organisation", "plan", "invoice")
    if status in OrderStatus.values:
        orders = orders.filter(status=status)
    page = Paginator(orders, 50).get_page(request.GET.get("page"))
    form = StatementForm()
    result = None
    if request.method == "POST":
        if not request.user.has_perm("membership.add_banktransfer"):
            raise PermissionDenied
        form = StatementForm(request.POST, request.FILES)
        if form.is_valid():
            raw = form.cleaned_data["statement"].read(5_000_000)
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("cp1250", errors="replace")  # Serbian and Slovenian banks' older exports
            text = text.replace("\x00", "")  # never stored: PostgreSQL text cannot hold it
            result = billing.import_statement(text=text, by=request.user)
    return render(
        request,
        "membership/admin/orders.html",
        {
            "orders": page,
            "page": page,
            "statuses": OrderStatus.choices,
            "status": status,
            "form": form,
            "result": result,
            "can_mark_paid": request.user.has_perm("membership.change_order"),
        },
    )


@require_POST
def mark_paid_view(request, pk):
    if not request.user.has_perm("membership.change_order"):
        raise PermissionDenied
    order = get_object_or_404(Order, pk=pk)
    outcome = billing.mark_paid(order=order, by=request.user)
    if outcome == "applied":
        messages.success(request, _("Order %(number)s is paid and applied.") % {"number": order.pk})
    elif outcome == "already":
        messages.info(request, _("Order %(number)s was already paid.") % {"number": order.pk})
    else:
        messages.error(
            request,
            _("Order %(number)s was replaced or changed; it was not applied. Return the money.") % {"number": order.pk},
        )
    return redirect("membership_orders")


def history_view(request, pk):
    """A subscription's audit trail: every order, payment and change, with who made it."""
    if not request.user.has_perm("membership.view_subscription"):
        raise PermissionDenied
    subscription = get_object_or_404(Subscription.objects.select_related("holder", "organisation", "plan"), pk=pk)
    events = SubscriptionEvent.objects.filter(subscription=subscription).select_related("actor", "order")
    return render(request, "membership/admin/history.html", {"subscription": subscription, "events": events})


@hooks.register("register_admin_urls")
def register_codes_url():
    return [
        path("membership/codes/", import_codes_view, name="membership_codes"),
        path("membership/orders/", orders_view, name="membership_orders"),
        path("membership/orders/<id:pk>/paid/", mark_paid_view, name="membership_mark_paid"),
        path("membership/subscriptions/<id:pk>/history/", history_view, name="membership_history"),
    ]


class OrdersMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("membership.view_order")


class CodesMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("membership.change_benefit")


class MembershipGroup(SnippetViewSetGroup):
    items = (PlanViewSet, SubscriptionViewSet, TierViewSet, BenefitViewSet)
    menu_icon = "tick-inverse"
    menu_label = gettext_lazy("Membership")
    menu_name = "membership"
    menu_order = 260


register_snippet(MembershipGroup)


@hooks.register("register_admin_menu_item")
def register_codes_menu():
    return CodesMenuItem(gettext_lazy("Benefit codes"), reverse("membership_codes"), icon_name="tag", order=261)


@hooks.register("register_admin_menu_item")
def register_orders_menu():
    return OrdersMenuItem(
        gettext_lazy("Orders and payments"), reverse("membership_orders"), icon_name="form", order=262
    )
