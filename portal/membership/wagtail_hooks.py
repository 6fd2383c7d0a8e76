from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Subscription


class SubscriptionViewSet(SnippetViewSet):
    model = Subscription
    icon = "tick-inverse"
    menu_label = _("Subscriptions")
    add_to_admin_menu = True
    menu_order = 260
    list_display = ["__str__", "status", "starts_at", "ends_at"]
    list_filter = ["status"]


register_snippet(SubscriptionViewSet)
