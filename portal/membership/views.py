"""The member's benefits page (/me/benefits/): tier, progress, points, and redeeming benefits."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import benefits as catalogue
from . import points as ledger
from . import subscriptions as plans
from .models import Benefit, Redemption, Subscription

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
    return render(request, "membership/subscriptions.html", {"subscriptions": plans.for_member(request.user)})


@login_required
@require_POST
def auto_renew(request, pk):
    subscription = get_object_or_404(Subscription, pk=pk)
    if not plans.can_manage(request.user, subscription):
        raise Http404
    turn_on = request.POST.get("on") == "1"
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
