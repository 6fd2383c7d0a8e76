"""/api/v1/webhooks/: subscriptions to events, their secrets and delivery logs (webhooks scope, admins)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import webhooks
from .models import WebhookDelivery, WebhookEndpoint, https_only
from .pagination import NewestFirst
from .permissions import IsCustomerAdmin
from .problems import Problem


class EndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=sorted(webhooks.EVENTS)), min_length=1)
    url = serializers.URLField(max_length=500, validators=[https_only])

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "events", "is_active", "paused_at", "failing_since", "created_at"]
        read_only_fields = ["paused_at", "failing_since", "created_at"]


class NewEndpointSerializer(EndpointSerializer):
    secret = serializers.CharField(read_only=True, help_text="Shown once: sign checks use it.")

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]


class DeliverySerializer(serializers.ModelSerializer):
    event = serializers.UUIDField(source="event_id")
    type = serializers.CharField(source="event.type")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id", "event", "type", "state", "attempts", "next_attempt_at", "last_attempt_at", "response_status",
            "response_excerpt", "error",
        ]  # fmt: skip


class ByCreated(NewestFirst):
    ordering = "-created_at"


class ById(NewestFirst):
    ordering = "-id"


@extend_schema(tags=["Webhooks"])
class WebhookViewSet(viewsets.ModelViewSet):
    scopes = {"read": "webhooks", "write": "webhooks"}
    lookup_value_regex = "[0-9]{1,18}"
    permission_classes = [*viewsets.ModelViewSet.permission_classes, IsCustomerAdmin]
    record_model = WebhookEndpoint
    serializer_class = EndpointSerializer
    pagination_class = ByCreated

    def get_queryset(self):
        return WebhookEndpoint.objects.all()

    def get_serializer_class(self):
        return NewEndpointSerializer if self.action == "create" else EndpointSerializer

    def perform_create(self, serializer):
        serializer.save(owner=self.request.user)

    def perform_update(self, serializer):
        resumed = serializer.validated_data.get("is_active") and serializer.instance.paused_at
        endpoint = serializer.save()
        if resumed or (self.request.data.get("resume") in (True, "true", "1")):
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(paused_at=None, failing_since=None)
            webhooks.subscriptions_changed()

    @extend_schema(request=None, responses={200: NewEndpointSerializer})
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        """A new secret; the old one keeps signing beside it for 24 hours."""
        endpoint = self.get_object()
        webhooks.rotate_secret(endpoint)
        return Response(NewEndpointSerializer(endpoint).data)

    @extend_schema(responses=DeliverySerializer(many=True))
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        endpoint = self.get_object()
        paginator = ById()
        rows = paginator.paginate_queryset(endpoint.deliveries.select_related("event"), request, view=self)
        return paginator.get_paginated_response(DeliverySerializer(rows, many=True).data)

    @extend_schema(request=None, responses={202: DeliverySerializer})
    @action(detail=True, methods=["post"], url_path=r"deliveries/(?P<delivery>\d+)/redeliver")
    def redeliver(self, request, pk=None, delivery=None):
        endpoint = self.get_object()
        found = endpoint.deliveries.filter(pk=delivery).select_related("event").first()
        if found is None:
            raise Problem(404, "not-found", _("There is no such delivery."))
        return Response(DeliverySerializer(webhooks.redeliver(found)).data, status=202)
