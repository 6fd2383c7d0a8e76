from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from .forms import ProfileForm
from .roles import ROLE_LABELS, is_staff_member, role_codes


@login_required
def dashboard(request):
    """The customer area's front page (/me/)."""
    user = request.user
    context = {
        "roles": [ROLE_LABELS[code] for code in sorted(role_codes(user))],
        "is_staff_member": is_staff_member(user),
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
