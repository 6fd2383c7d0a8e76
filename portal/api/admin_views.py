"""Admin → Settings → Webhooks → deliveries: what was sent where, what came back, and sending again."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import webhooks
from .models import WebhookDelivery, WebhookEndpoint


def _check(user) -> None:
    if not user.has_perm("api.view_webhookdelivery"):
        raise PermissionDenied


def deliveries(request):
    _check(request.user)
    rows = WebhookDelivery.objects.select_related("event", "endpoint").order_by("-event__created_at", "-pk")
    endpoint = None
    chosen = request.GET.get("endpoint", "")
    if chosen.isdigit():
        endpoint = WebhookEndpoint.objects.filter(pk=int(chosen)).first()
        if endpoint is not None:
            rows = rows.filter(endpoint=endpoint)
    page = Paginator(rows, 50).get_page(request.GET.get("p"))
    return render(request, "api/admin/deliveries.html", {"page_obj": page, "endpoint": endpoint})


@require_POST
def redeliver(request, pk: int):
    if not request.user.has_perm("api.change_webhookendpoint"):
        raise PermissionDenied
    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    webhooks.redeliver(delivery)
    messages.success(request, _("The event will be sent again."))
    return redirect(f"{reverse('webhook_deliveries')}?endpoint={delivery.endpoint_id}")
