from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .benefits import import_codes
from .models import Benefit, Plan, Subscription, Tier


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


@hooks.register("register_admin_urls")
def register_codes_url():
    return [path("membership/codes/", import_codes_view, name="membership_codes")]


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
