from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    default = True
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from . import signals  # noqa: F401


class PortalUsersConfig(WagtailUsersAppConfig):
    """Wagtail's users app, with user screens that show the portal's own fields."""

    user_viewset = "portal.accounts.viewsets.UserViewSet"
