"""Admin → Settings: webhooks (with their delivery log), apps that act for people (OAuth 2) and
sign-in providers (allauth's social apps: Google, Microsoft, Apple, GitHub, OpenID Connect, SAML)."""

from allauth.socialaccount.models import SocialApp
from django.urls import path
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import get_application_model
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, SnippetViewSet

from . import admin_views
from .forms import EndpointAdminForm
from .models import WebhookEndpoint


class EndpointCreateView(CreateView):
    def save_instance(self):
        self.form.instance.owner = self.request.user
        return super().save_instance()


class WebhookViewSet(SnippetViewSet):
    model = WebhookEndpoint
    icon = "link-external"
    menu_label = _("Webhooks")
    add_to_settings_menu = True
    menu_order = 900
    add_view_class = EndpointCreateView
    list_display = ["url", "description", "is_active", "paused_at", "failing_since"]
    search_fields = ["url", "description"]
    edit_handler = ObjectList(
        [FieldPanel("url"), FieldPanel("description"), FieldPanel("events"), FieldPanel("is_active")],
        base_form_class=EndpointAdminForm,
    )


class ApplicationViewSet(SnippetViewSet):
    """Apps that act for people (authorization code with PKCE) or for themselves (client credentials)."""

    model = get_application_model()
    icon = "key"
    menu_label = _("API applications")
    add_to_settings_menu = True
    menu_order = 901
    list_display = ["name", "client_type", "authorization_grant_type", "user"]
    search_fields = ["name"]
    panels = [
        FieldPanel("name"),
        FieldPanel("client_id"),
        FieldPanel("client_secret"),
        FieldPanel("client_type"),
        FieldPanel("authorization_grant_type"),
        FieldPanel("redirect_uris"),
        FieldPanel("post_logout_redirect_uris"),
        FieldPanel("allowed_origins"),
        FieldPanel("algorithm"),
        FieldPanel("skip_authorization"),
        FieldPanel("user"),
    ]


class SignInProviderViewSet(SnippetViewSet):
    model = SocialApp
    icon = "user"
    menu_label = _("Sign-in providers")
    add_to_settings_menu = True
    menu_order = 902
    list_display = ["name", "provider", "provider_id"]
    panels = [
        FieldPanel("provider"),
        FieldPanel("provider_id"),
        FieldPanel("name"),
        FieldPanel("client_id"),
        FieldPanel("secret"),
        FieldPanel("key"),
        FieldPanel("settings"),
    ]


register_snippet(WebhookViewSet)
register_snippet(ApplicationViewSet)
register_snippet(SignInProviderViewSet)


@hooks.register("register_admin_urls")
def register_delivery_log():
    return [
        path("webhooks/deliveries/", admin_views.deliveries, name="webhook_deliveries"),
        path("webhooks/deliveries/<int:pk>/redeliver/", admin_views.redeliver, name="webhook_redeliver"),
    ]
