"""Customer records for admins' integrations (members:read, members:write): people, organisations,
subscriptions, orders, invoices, points, benefits taken and consents. Each needs the scope and the
same model permission the admin screens ask for."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from django_countries.serializers import CountryFieldMixin
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.accounts.models import Organisation
from portal.membership import points as ledger
from portal.membership.choices import PointsReason
from portal.membership.models import Invoice, Order, PointsEntry, Redemption, Subscription
from portal.privacy.models import ConsentEvent

from .idempotency import once
from .pagination import NewestFirst
from .permissions import IsCustomerAdmin

User = get_user_model()


class ById(NewestFirst):
    ordering = "-id"


class PersonSerializer(CountryFieldMixin, serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    points = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "display_name", "first_name", "last_name", "locale", "time_zone", "country",
                  "organisation", "is_active", "date_joined", "points"]  # fmt: skip

    def get_points(self, person) -> int:
        balance = getattr(person, "points_balance", None)
        return ledger.balance(person) if balance is None else balance


class PersonChangeSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organisation.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = User
        fields = ["display_name", "first_name", "last_name", "locale", "time_zone", "organisation"]


class OrganisationSerializer(serializers.ModelSerializer):
    account_owner = serializers.EmailField(source="account_owner.email", read_only=True, allow_null=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "slug", "email_domain", "members_share_requests", "account_owner", "created_at"]


class SubscriptionSerializer(serializers.ModelSerializer):
    holder = serializers.EmailField(source="holder.email", read_only=True, allow_null=True)
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    plan = serializers.CharField(source="plan.name", read_only=True, allow_null=True)

    class Meta:
        model = Subscription
        fields = ["id", "holder", "organisation", "plan", "status", "auto_renew", "starts_at", "ends_at", "credit"]


class OrderSerializer(serializers.ModelSerializer):
    buyer = serializers.EmailField(source="buyer.email", read_only=True, allow_null=True)
    plan = serializers.CharField(source="plan.name", read_only=True)

    class Meta:
        model = Order
        fields = ["id", "subscription", "buyer", "kind", "plan", "status", "amount", "currency", "created_at",
                  "paid_at"]  # fmt: skip


class InvoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Invoice
        fields = ["id", "number", "order", "status", "buyer_name", "buyer_email", "lines", "total", "currency",
                  "issued_at", "due_at", "paid_at"]  # fmt: skip


class PointsSerializer(serializers.ModelSerializer):
    person = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = PointsEntry
        fields = ["id", "person", "points", "reason", "source", "note", "created_at", "expires_at"]


class RedemptionSerializer(serializers.ModelSerializer):
    person = serializers.EmailField(source="user.email", read_only=True)
    benefit = serializers.CharField(source="benefit.title", read_only=True)

    class Meta:
        model = Redemption
        fields = ["id", "person", "benefit", "created_at"]


class ConsentSerializer(serializers.ModelSerializer):
    person = serializers.EmailField(source="person.email", read_only=True)

    class Meta:
        model = ConsentEvent
        fields = ["id", "person", "purpose", "version", "granted", "how", "at"]


class AdjustmentSerializer(serializers.Serializer):
    points = serializers.IntegerField(min_value=-1_000_000, max_value=1_000_000)
    note = serializers.CharField(max_length=255)
    key = serializers.CharField(max_length=80, help_text="Names this adjustment: sent again, it changes nothing.")


class RecordViewSet(viewsets.ReadOnlyModelViewSet):
    scopes = {"read": "members:read", "write": "members:write"}
    permission_classes = [*viewsets.ReadOnlyModelViewSet.permission_classes, IsCustomerAdmin]
    pagination_class = ById
    lookup_value_regex = "[0-9]{1,18}"


@extend_schema(tags=["Customer records"])
class PersonViewSet(RecordViewSet):
    """People; `?email=` finds one, `?organisation=<slug>` lists an organisation's."""

    record_model = User
    serializer_class = PersonSerializer
    filterset_fields = {"email": ["iexact"], "organisation__slug": ["exact"], "is_active": ["exact"]}

    def get_queryset(self):
        return ledger.annotate_points(User.objects.select_related("organisation"))

    @extend_schema(request=PersonChangeSerializer, responses=PersonSerializer)
    def partial_update(self, request, pk=None):
        person = self.get_object()
        change = PersonChangeSerializer(person, data=request.data, partial=True)
        change.is_valid(raise_exception=True)
        change.save()
        return Response(PersonSerializer(person).data)

    @extend_schema(request=AdjustmentSerializer, responses={201: PointsSerializer(many=True)})
    @action(detail=True, methods=["post"])
    @once
    def points(self, request, pk=None):
        """Add or take points (members:write): one ledger line, recorded with who did it."""
        person = self.get_object()
        data = AdjustmentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        with transaction.atomic():
            ledger.settle(
                user=person,
                source=f"api:{request.user.pk}:{values['key']}",
                points=values["points"],
                reason=PointsReason.ADJUSTMENT,
                note=_("%(note)s (by %(who)s)") % {"note": values["note"], "who": request.user.email},
            )
        lines = PointsEntry.objects.filter(user=person).select_related("user")[:5]
        return Response(PointsSerializer(lines, many=True).data, status=201)


@extend_schema(tags=["Customer records"])
class OrganisationViewSet(RecordViewSet):
    record_model = Organisation
    serializer_class = OrganisationSerializer
    filterset_fields = {"slug": ["exact"], "email_domain": ["iexact"]}

    def get_queryset(self):
        return Organisation.objects.select_related("account_owner")


@extend_schema(tags=["Customer records"])
class SubscriptionViewSet(RecordViewSet):
    record_model = Subscription
    serializer_class = SubscriptionSerializer
    filterset_fields = {"status": ["exact"], "holder__email": ["iexact"], "organisation__slug": ["exact"]}

    def get_queryset(self):
        return Subscription.objects.select_related("holder", "organisation", "plan")


@extend_schema(tags=["Customer records"])
class OrderViewSet(RecordViewSet):
    record_model = Order
    serializer_class = OrderSerializer
    filterset_fields = {"status": ["exact"], "buyer__email": ["iexact"], "subscription": ["exact"]}

    def get_queryset(self):
        return Order.objects.select_related("buyer", "plan")


@extend_schema(tags=["Customer records"])
class InvoiceViewSet(RecordViewSet):
    record_model = Invoice
    serializer_class = InvoiceSerializer
    filterset_fields = {"status": ["exact"], "number": ["exact"]}

    def get_queryset(self):
        return Invoice.objects.all()


@extend_schema(tags=["Customer records"])
class PointsViewSet(RecordViewSet):
    record_model = PointsEntry
    serializer_class = PointsSerializer
    filterset_fields = {"user__email": ["iexact"], "reason": ["exact"]}

    def get_queryset(self):
        return PointsEntry.objects.select_related("user")


@extend_schema(tags=["Customer records"])
class RedemptionViewSet(RecordViewSet):
    record_model = Redemption
    serializer_class = RedemptionSerializer
    filterset_fields = {"user__email": ["iexact"]}

    def get_queryset(self):
        return Redemption.objects.select_related("user", "benefit")


@extend_schema(tags=["Customer records"])
class ConsentViewSet(RecordViewSet):
    """The consent ledger: every grant and withdrawal, newest first."""

    record_model = ConsentEvent
    serializer_class = ConsentSerializer
    filterset_fields = {"person__email": ["iexact"], "purpose": ["exact"]}

    def get_queryset(self):
        return ConsentEvent.objects.select_related("person")
