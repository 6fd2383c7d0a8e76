from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete

        from . import access
        from .models import Category

        def forget(**kwargs):
            access.forget_category_moderators()

        m2m_changed.connect(forget, sender=Category.moderators.through, dispatch_uid="community_moderators")
        post_delete.connect(forget, sender=Category, dispatch_uid="community_category_deleted")
