"""/api/: the versioned API, its OpenAPI schema and its documentation (served from our own static files)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import problems, records, resources, webhook_views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("kb/articles", resources.ArticleViewSet, basename="article")
router.register("kb/faqs", resources.FAQViewSet, basename="faq")
router.register("community/categories", resources.CategoryViewSet, basename="category")
router.register("community/topics", resources.TopicViewSet, basename="topic")
router.register("request-types", resources.RequestTypeViewSet, basename="request-type")
router.register("requests", resources.RequestViewSet, basename="request")
router.register("desk/requests", resources.DeskViewSet, basename="desk-request")
router.register("webhooks", webhook_views.WebhookViewSet, basename="webhook")
router.register("people", records.PersonViewSet, basename="person")
router.register("organisations", records.OrganisationViewSet, basename="organisation")
router.register("subscriptions", records.SubscriptionViewSet, basename="subscription")
router.register("orders", records.OrderViewSet, basename="order")
router.register("invoices", records.InvoiceViewSet, basename="invoice")
router.register("points", records.PointsViewSet, basename="points")
router.register("benefits-taken", records.RedemptionViewSet, basename="redemption")
router.register("consents", records.ConsentViewSet, basename="consent")

app_name = "api"
urlpatterns = [
    path("v1/search/", resources.SearchView.as_view(), name="search"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(api_version="1"), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Whatever else is asked under /api/ is answered as a problem, never with the site's HTML page.
    re_path(r"^(?P<unmatched>.*)$", problems.not_found),
]
