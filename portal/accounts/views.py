from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .forms import ProfileForm
from .roles import ROLE_LABELS, is_staff_member, role_codes
from .signals import dashboard_cards


@login_required
def dashboard(request):
    """The customer area's front page (/me/)."""
    user = request.user
    cards = []
    for _receiver, answer in dashboard_cards.send(sender=dashboard, person=user):
        cards.extend(answer if isinstance(answer, list | tuple) else [answer] if answer else [])
    context = {
        "roles": [ROLE_LABELS[code] for code in sorted(role_codes(user))],
        "is_staff_member": is_staff_member(user),
        "cards": cards,
    }
    return render(request, "accounts/dashboard.html", context)


@login_required
def profile(request):
    """Edit display name, names, language and time zone (/me/profile/)."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        translation.activate(user.locale)
        messages.success(request, _("Your profile has been saved."))
        response = redirect("accounts:profile")
        response.set_cookie(
            "portal_language", user.locale, samesite="Lax", secure=request.is_secure(), max_age=365 * 24 * 3600
        )
        return response
    return render(request, "accounts/profile.html", {"form": form})


def admin_login(request):
    """The admin's sign-in address (/admin/login/) hands over to allauth's, keeping `next`.

    Nothing posted here is read: a password sent to this address signs nobody in. A person already
    signed in who may not use the admin goes to their own area (the admin said why in a message);
    sending them to the login page would bounce them straight back to the admin.
    """
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    target = reverse("account_login")
    query = request.GET.urlencode()
    return HttpResponseRedirect(f"{target}?{query}" if query else target)
