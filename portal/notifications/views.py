from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import emails, services
from .forms import PreferenceForm
from .models import Notification, NotificationPreference

PER_PAGE = 20


@login_required
def notification_list(request):
    """The notification centre (/me/notifications/): newest first, with e-mail preferences."""
    notifications = Notification.objects.filter(recipient=request.user)
    page = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    preference = NotificationPreference.objects.filter(user=request.user).first()
    form = PreferenceForm(instance=preference or NotificationPreference(user=request.user))
    return render(request, "notifications/notification_list.html", {"page_obj": page, "form": form})


@login_required
@require_POST
def mark_all_read(request):
    services.mark_all_read(user=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


@login_required
@require_POST
def save_preferences(request):
    form = PreferenceForm(request.POST)
    if form.is_valid():
        services.set_email_frequency(user=request.user, frequency=form.cleaned_data["email_frequency"])
        messages.success(request, _("Your notification preferences have been saved."))
        return redirect("notifications:list")
    notifications = Notification.objects.filter(recipient=request.user)
    page = Paginator(notifications, PER_PAGE).get_page(1)
    return render(request, "notifications/notification_list.html", {"page_obj": page, "form": form}, status=400)


@csrf_exempt  # the signed token is the credential; mail programs post here without a session (RFC 8058)
def unsubscribe(request, token):
    """Stop notification e-mails from a link in one, without signing in."""
    user = emails.user_for_token(token)
    if user is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        services.unsubscribe(user=user)
        return render(request, "notifications/unsubscribe.html", {"done": True, "person": user})
    return render(request, "notifications/unsubscribe.html", {"person": user, "token": token})
