"""/me/api-tokens/: a person's personal access tokens — made, shown once, revoked."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.accounts.roles import is_staff_member

from .forms import TokenForm
from .models import PersonalToken
from .scopes import LABELS


@login_required
def tokens(request):
    staff = is_staff_member(request.user)
    form = TokenForm(request.POST or None, staff=staff)
    secret = None
    if request.method == "POST" and form.is_valid():
        _token, secret = PersonalToken.make(
            person=request.user,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            days=form.cleaned_data["days"],
        )
        form = TokenForm(staff=staff)
    status = 400 if request.method == "POST" and secret is None else 200
    made = request.user.personal_tokens.order_by("-created_at")
    return render(
        request,
        "api/tokens.html",
        {"form": form, "secret": secret, "tokens": made, "labels": LABELS, "now": timezone.now()},
        status=status,
    )


@login_required
@require_POST
def revoke(request, pk: int):
    token = get_object_or_404(PersonalToken, pk=pk, person=request.user)
    if token.revoked_at is None:
        PersonalToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        messages.success(request, _("The token “%(name)s” was revoked: it no longer works.") % {"name": token.name})
    return redirect("api_tokens:list")
