"""The API's resources. Each reads through the same selectors and access rules as the pages, and
writes through the same forms and services, so a call can do nothing a page would refuse."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView
from wagtail.models import Site

from community import access as community_access
from community import selectors as community_selectors
from community.models import Category, Topic
from community.services import CommunityError, reply, start_topic
from knowledge_base.models import ArticlePage, FAQPage
from knowledge_base.permissions import allowed_audiences
from knowledge_base.selectors import product_names
from portal.search import service as search_service
from portal.search.access import reader_tokens
from portal.search.backends.base import Query
from portal.search.forms import clean_query
from tickets import permissions as ticket_permissions
from tickets import satisfaction, selectors, services
from tickets.forms import NewRequestForm, ReplyForm
from tickets.models import Message, RequestType, SatisfactionSurvey, SupportSettings, Ticket

from . import serializers
from .idempotency import once
from .pagination import NewestFirst
from .permissions import IsAgent
from .problems import Problem


def invalid(form) -> Problem:
    """A form's errors as a 400 problem, field by field."""
    errors = {field: [str(message) for message in messages] for field, messages in form.errors.items()}
    return Problem(400, "invalid", _("Some of what was sent is not valid; see errors."), errors=errors)


class ById(NewestFirst):
    ordering = "-id"


class ByActivity(NewestFirst):
    ordering = ("-last_activity_at", "-id")


# --- Knowledge base ----------------------------------------------------------------------------


@extend_schema(tags=["Help articles"])
class ArticleViewSet(viewsets.ReadOnlyModelViewSet):
    """Help articles the caller may read (by audience), newest first; `?language=sr-latn`."""

    lookup_value_regex = "[0-9]{1,18}"  # ids: anything else is not an address here
    scopes = {"read": "kb:read"}
    public_read = True
    pagination_class = ById

    def get_serializer_class(self):
        return serializers.ArticleDetailSerializer if self.action == "retrieve" else serializers.ArticleSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is being drawn
            return ArticlePage.objects.none()
        articles = (
            ArticlePage.objects.live()
            .public()
            .filter(audience__in=allowed_audiences(self.request.user))
            .select_related("locale")
            .prefetch_related("tags")
        )
        language = self.request.query_params.get("language")
        if language:
            articles = articles.filter(locale__language_code=language)
        return articles

    @extend_schema(parameters=[OpenApiParameter("language", str, description="Only articles in this language.")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


@extend_schema(tags=["Help articles"])
class FAQViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = "[0-9]{1,18}"  # ids: anything else is not an address here
    scopes = {"read": "kb:read"}
    public_read = True
    pagination_class = ById
    serializer_class = serializers.FAQSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return FAQPage.objects.none()
        return FAQPage.objects.live().public().select_related("locale")


@extend_schema(tags=["Search"])
class SearchView(APIView):
    """One search over help articles, FAQs, community topics and the caller's own requests."""

    scopes = {"read": "kb:read"}
    public_read = True

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True),
            OpenApiParameter("kind", str),
            OpenApiParameter("language", str),
            OpenApiParameter("page", int),
        ],
        responses=serializers.SearchPageSerializer,
    )
    def get(self, request):
        text, _shortened = clean_query(request.query_params.get("q", ""))
        if not text:
            raise Problem(400, "invalid", _("Say what to search for: ?q=…"), errors={"q": [_("This is required.")]})
        try:
            page = max(1, min(int(request.query_params.get("page", "1")), 100))
        except ValueError:
            raise Problem(400, "invalid", _("The page is a number."), errors={"page": [_("Enter a number.")]}) from None
        query = Query(
            text=text,
            tokens=tuple(reader_tokens(request.user)),
            language=request.query_params.get("language", "")[:10],
            kind=request.query_params.get("kind", "")[:20],
            site_id=getattr(Site.find_for_request(request), "pk", None),
            page=page,
            per_page=20,
        )
        results, _backend = search_service.search(query)
        hits = serializers.SearchHitSerializer(results.hits, many=True).data
        return Response({"count": results.total, "page": page, "pages": results.pages, "results": hits})


# --- Community ---------------------------------------------------------------------------------


@extend_schema(tags=["Community"])
class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    scopes = {"read": "community:read"}
    public_read = True
    pagination_class = None
    serializer_class = serializers.CategorySerializer
    lookup_field = "slug"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Category.objects.none()
        return community_access.readable_categories(self.request.user).order_by("order", "name")


@extend_schema(tags=["Community"])
class TopicViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Topics in the categories the caller may read, latest activity first; `?category=<slug>`.
    Creating one posts as the person, under the same rules as the page (trust, sanctions,
    moderation)."""

    lookup_value_regex = "[0-9]{1,18}"  # ids: anything else is not an address here
    scopes = {"read": "community:read", "write": "community:write"}
    public_read = True
    pagination_class = ByActivity
    serializer_class = serializers.TopicSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Topic.objects.none()
        topics = Topic.objects.listed().filter(community_access.readable_categories_q(self.request.user, "category__"))
        slug = self.request.query_params.get("category")
        if slug:
            topics = topics.filter(category__slug=slug)
        return topics.select_related("category", "author")

    def get_object(self):
        return community_selectors.readable_topic(self.request.user, self.kwargs["pk"])

    @extend_schema(request=serializers.NewTopicSerializer, responses={201: serializers.TopicSerializer})
    @once
    def create(self, request, *args, **kwargs):
        data = serializers.NewTopicSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        category = Category.objects.filter(slug=data.validated_data["category"], is_active=True).first()
        if category is None or not community_access.can_read(request.user, category):
            raise Problem(400, "invalid", _("There is no such category."), errors={"category": [_("Unknown.")]})
        if not community_access.may_post_in(request.user, category):
            raise Problem(403, "not-allowed", _("You may not start topics in this category."))
        try:
            topic = start_topic(
                category=category,
                author=request.user,
                title=data.validated_data["title"],
                body=data.validated_data["body"],
                tags=data.validated_data.get("tags", ()),
            )
        except CommunityError as error:
            raise Problem(400, "refused", str(error)) from None
        body = serializers.TopicSerializer(topic, context={"request": request}).data
        return Response(
            body, status=status.HTTP_201_CREATED, headers={"Location": f"/api/v1/community/topics/{topic.pk}/"}
        )

    @extend_schema(
        methods=["GET"], responses=serializers.PostSerializer(many=True), description="The posts the caller may read."
    )
    @extend_schema(methods=["POST"], request=serializers.NewPostSerializer, responses={201: serializers.PostSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=ById)
    def posts(self, request, pk=None):
        topic = self.get_object()
        if request.method == "POST":
            return self._reply(request, topic)
        moderator = community_access.moderated_category_ids(request.user)
        is_moderator = moderator is None or topic.category_id in (moderator or set())
        posts = community_selectors.visible_posts(request.user, topic, is_moderator).select_related("author")
        paginator = ById()
        page = paginator.paginate_queryset(posts, request, view=self)
        return paginator.get_paginated_response(serializers.PostSerializer(page, many=True).data)

    @once
    def _reply(self, request, topic):
        data = serializers.NewPostSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not community_access.may_post_in(request.user, topic.category):
            raise Problem(403, "not-allowed", _("You may not reply in this category."))
        try:
            post = reply(topic=topic, author=request.user, body=data.validated_data["body"])
        except CommunityError as error:
            raise Problem(400, "refused", str(error)) from None
        return Response(serializers.PostSerializer(post).data, status=status.HTTP_201_CREATED)


# --- The person's support requests -------------------------------------------------------------


@extend_schema(tags=["Support requests"])
class RequestTypeViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = "[0-9]{1,18}"  # ids: anything else is not an address here
    scopes = {"read": "requests:read"}
    pagination_class = None
    serializer_class = serializers.RequestTypeSerializer

    def get_queryset(self):
        return RequestType.objects.filter(is_active=True).prefetch_related("fields").order_by("order", "name")


@extend_schema(tags=["Support requests"])
class RequestViewSet(viewsets.GenericViewSet):
    """The caller's own requests (and those they are kept informed of), like /support/requests/.
    `?scope=organisation` lists the organisation's where it shares them."""

    scopes = {"read": "requests:read", "write": "requests:write"}
    serializer_class = serializers.RequestSerializer
    pagination_class = ByActivity
    lookup_field = "reference"
    lookup_value_regex = "[A-Za-z]{1,5}-[0-9]{1,12}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Ticket.objects.none()
        scope = "organisation" if self.request.query_params.get("scope") == "organisation" else "mine"
        return selectors.customer_requests(self.request.user, scope=scope).select_related("request_type")

    def get_object(self):
        return selectors.access_ticket(self.request.user, self.kwargs["reference"])

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, reference=None):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=serializers.NewRequestSerializer, responses={201: serializers.RequestSerializer})
    @once
    def create(self, request):
        shape = serializers.NewRequestSerializer(data=request.data)
        shape.is_valid(raise_exception=True)
        request_type = (
            RequestType.objects.filter(pk=shape.validated_data["type"], is_active=True)
            .prefetch_related("fields")
            .first()
        )
        if request_type is None:
            raise Problem(400, "invalid", _("There is no such request type."), errors={"type": [_("Unknown.")]})
        values = {
            "subject": shape.validated_data["subject"],
            "description": shape.validated_data["description"],
            "impact": shape.validated_data.get("impact") or "minor",
        }
        for key, value in (shape.validated_data.get("fields") or {}).items():
            values[f"extra_{key}"] = value
        form = NewRequestForm(
            values,
            {"attachments": request.FILES.getlist("attachments")} if request.FILES else None,
            request_type=request_type,
            product_choices=product_names(),
        )
        if not form.is_valid():
            raise invalid(form)
        limit = SupportSettings.current().requests_per_hour
        if not ticket_permissions.may_file_now(request.user, per_hour=limit):
            raise Problem(429, "too-many", _("You have filed %(count)s requests in the last hour.") % {"count": limit})
        try:
            ticket = services.open_ticket(
                requester=request.user, **form.request_values(), site=Site.find_for_request(request)
            )
        except services.SupportError as error:
            raise Problem(400, "refused", str(error)) from None
        body = self.get_serializer(ticket).data
        return Response(body, status=201, headers={"Location": f"/api/v1/requests/{ticket.reference}/"})

    @extend_schema(methods=["GET"], responses=serializers.MessageSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=serializers.ReplySerializer, responses={201: serializers.RequestSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def messages(self, request, reference=None):
        """The conversation (public messages), or a reply with files (multipart)."""
        ticket = self.get_object()
        if request.method == "POST":
            return self._reply(request, ticket)
        messages = (
            Message.objects.filter(ticket=ticket, is_internal=False)
            .select_related("author")
            .prefetch_related("attachments")
            .order_by("created_at", "pk")
        )
        return Response(serializers.MessageSerializer(messages, many=True).data)

    @once
    def _reply(self, request, ticket):
        form = ReplyForm(
            {"body": request.data.get("body", "")},
            {"attachments": request.FILES.getlist("attachments")} if request.FILES else None,
        )
        if not form.is_valid():
            raise invalid(form)
        try:
            landed = services.add_customer_reply(
                ticket=ticket,
                author=request.user,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["attachments"],
            )
        except services.SupportError as error:
            raise Problem(400, "refused", str(error)) from None
        return Response(self.get_serializer(landed).data, status=201)

    @extend_schema(request=None, responses=serializers.RequestSerializer)
    @action(detail=True, methods=["post"])
    def solve(self, request, reference=None):
        ticket = services.mark_solved(ticket=self.get_object(), actor=request.user)
        return Response(self.get_serializer(ticket).data)

    @extend_schema(request=serializers.RatingSerializer, responses={200: serializers.RatingSerializer})
    @action(detail=True, methods=["post"])
    def rating(self, request, reference=None):
        ticket = self.get_object()
        survey = SatisfactionSurvey.objects.filter(ticket=ticket).first()
        if survey is None or ticket.requester_id != request.user.pk:
            raise Problem(409, "not-asked", _("This request has not been asked for a rating."))
        data = serializers.RatingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            fresh = satisfaction.rate(survey=survey, **data.validated_data)
        except satisfaction.SurveyError as error:
            raise Problem(400, "refused", str(error)) from None
        if not fresh:
            raise Problem(409, "rated-already", _("You rated this request already."))
        return Response(data.validated_data)


# --- The desk ----------------------------------------------------------------------------------


@extend_schema(tags=["Desk"])
class DeskViewSet(viewsets.GenericViewSet):
    """Requests as the desk works them; `?view=` is one of the inbox's: open, mine, unassigned,
    breaching, overdue, all."""

    lookup_value_regex = "[0-9]{1,18}"  # ids: anything else is not an address here
    scopes = {"read": "desk", "write": "desk"}
    permission_classes = [*viewsets.GenericViewSet.permission_classes, IsAgent]
    serializer_class = serializers.DeskRequestSerializer
    pagination_class = ById

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Ticket.objects.none()
        view = self.request.query_params.get("view", "open")
        if view not in {"open", "mine", "unassigned", "breaching", "overdue", "all"}:
            raise Problem(400, "invalid", _("Unknown view."), errors={"view": [_("Choose one of the inbox views.")]})
        return selectors.inbox(view, user=self.request.user)

    def get_object(self):
        return get_object_or_404(Ticket.objects.select_related("requester", "queue", "assignee"), pk=self.kwargs["pk"])

    @extend_schema(parameters=[OpenApiParameter("view", str)])
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        ticket = self.get_object()
        body = self.get_serializer(ticket).data
        messages = Message.objects.filter(ticket=ticket).select_related("author").prefetch_related("attachments")
        body["messages"] = serializers.MessageSerializer(messages.order_by("created_at", "pk"), many=True).data
        return Response(body)

    @extend_schema(request=serializers.DeskChangeSerializer)
    def partial_update(self, request, pk=None):
        ticket = self.get_object()
        data = serializers.DeskChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        from tickets.choices import Priority, Status

        errors = {}
        if "status" in values and values["status"] not in Status.values:
            errors["status"] = [_("Choose one of: %(values)s.") % {"values": ", ".join(Status.values)}]
        if "priority" in values and values["priority"] not in Priority.values:
            errors["priority"] = [_("Choose one of: %(values)s.") % {"values": ", ".join(Priority.values)}]
        changes = {"status": values.get("status"), "priority": values.get("priority")}
        if "assignee" in values:
            if values["assignee"] is None:
                changes["unassign"] = True
            else:
                agent = selectors.agents().filter(email__iexact=values["assignee"]).first()
                if agent is None:
                    errors["assignee"] = [_("No agent has this address.")]
                changes["assignee"] = agent
        if errors:
            raise Problem(400, "invalid", _("Some of what was sent is not valid; see errors."), errors=errors)
        try:
            ticket = services.update_ticket(ticket=ticket, actor=request.user, **changes)
        except services.SupportError as error:
            raise Problem(400, "refused", str(error)) from None
        return Response(self.get_serializer(ticket).data)

    def _answer(self, request, *, internal: bool):
        ticket = self.get_object()
        form = ReplyForm(
            {"body": request.data.get("body", "")},
            {"attachments": request.FILES.getlist("attachments")} if request.FILES else None,
        )
        if not form.is_valid():
            raise invalid(form)
        message = services.add_agent_reply(
            ticket=ticket,
            agent=request.user,
            body=form.cleaned_data["body"],
            internal=internal,
            files=form.cleaned_data["attachments"],
        )
        return Response(serializers.MessageSerializer(message).data, status=201)

    @extend_schema(request=serializers.ReplySerializer, responses={201: serializers.MessageSerializer})
    @action(detail=True, methods=["post"])
    @once
    def replies(self, request, pk=None):
        """A public reply to the customer."""
        return self._answer(request, internal=False)

    @extend_schema(request=serializers.ReplySerializer, responses={201: serializers.MessageSerializer})
    @action(detail=True, methods=["post"])
    @once
    def notes(self, request, pk=None):
        """An internal note, for the team only."""
        return self._answer(request, internal=True)
