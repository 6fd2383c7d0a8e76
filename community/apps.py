from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from . import access
        from .models import Category
        from .signals import pages_changed

        def forget(**kwargs):
            access.forget_category_moderators()
            pages_changed()

        m2m_changed.connect(forget, sender=Category.moderators.through, weak=False, dispatch_uid="community_moderators")
        post_delete.connect(forget, sender=Category, weak=False, dispatch_uid="community_category_deleted")
        post_save.connect(forget, sender=Category, weak=False, dispatch_uid="community_category_saved")

        from taggit.models import Tag

        from .models import Topic, TopicTag

        def tags_changed(instance, action, **kwargs):
            if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Topic):
                instance.refresh_tag_list()

        def tag_renamed(instance, created, **kwargs):
            if not created:
                Topic.refresh_tag_lists_of_tag(instance)

        m2m_changed.connect(tags_changed, sender=TopicTag, weak=False, dispatch_uid="community_topic_tags")
        post_save.connect(tag_renamed, sender=Tag, weak=False, dispatch_uid="community_tag_renamed")

        from portal.membership.points import register_reasons
        from tickets.signals import customer_panel

        from .choices import PointsReason
        from .selectors import desk_section

        register_reasons(PointsReason)
        customer_panel.connect(desk_section, dispatch_uid="community_desk_section")
