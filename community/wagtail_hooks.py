"""The community in the Wagtail admin: categories and rules for admins, the queue and log for moderators."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import access, bridges, selectors, services
from .models import Badge, Category, CommunityProfile, ModerationLogEntry, Post, Topic, WatchedWord
from .text import forget_watched_words


def moderation_queue(request):
    if not access.can_moderate(request.user):
        raise PermissionDenied
    page = selectors.paginate(selectors.moderation_queue(request.user), request.GET.get("page"), 25)
    return render(request, "community/admin/queue.html", {"page_obj": page})


@require_POST
def moderate(request, pk):
    post = get_object_or_404(Post.objects.select_related("topic__category"), pk=pk)
    if not access.can_moderate(request.user, post.topic.category):
        raise PermissionDenied
    action = request.POST.get("action")
    reason = request.POST.get("reason", "")[:255]
    if action == "approve":
        services.approve_post(post=post, actor=request.user)
        messages.success(request, _("Approved."))
    elif action == "hide":
        services.hide_post(post=post, actor=request.user, reason=reason)
        messages.success(request, _("Hidden."))
    elif action == "dismiss":
        services.dismiss_flags(post=post, actor=request.user)
        messages.success(request, _("Flags dismissed."))
    else:
        messages.error(request, _("Unknown action."))
    return redirect("community_moderation:queue")


@require_POST
def escalate(request, pk):
    topic = get_object_or_404(Topic, pk=pk)
    post = None
    if request.POST.get("post", "").isdigit():
        post = Post.objects.filter(pk=int(request.POST["post"]), topic=topic).first()
    try:
        ticket = bridges.escalate_to_support(
            topic=topic, actor=request.user, post=post, topic_url=request.build_absolute_uri(topic.get_absolute_url())
        )
    except services.CommunityError as error:
        messages.error(request, str(error))
        return redirect(topic.get_absolute_url())
    messages.success(request, _("Passed to support as %(reference)s.") % {"reference": ticket.reference})
    return redirect("tickets_desk:detail", pk=ticket.pk)


@require_POST
def promote(request, pk):
    topic = get_object_or_404(Topic, pk=pk)
    try:
        article = bridges.promote_to_article(topic=topic, actor=request.user)
    except services.CommunityError as error:
        messages.error(request, str(error))
        return redirect(topic.get_absolute_url())
    messages.success(
        request, _("A draft article was made from the accepted answer. Finish it and submit it for review.")
    )
    return redirect("wagtailadmin_pages:edit", article.pk)


def moderation_log(request):
    if not request.user.has_perm("community.view_moderationlogentry"):
        raise PermissionDenied
    entries = ModerationLogEntry.objects.select_related("actor", "topic", "post", "target_user")
    page = selectors.paginate(entries, request.GET.get("page"), 50)
    return render(request, "community/admin/log.html", {"page_obj": page})


moderation_urls = [
    path("", moderation_queue, name="queue"),
    path("<id:pk>/", moderate, name="moderate"),
    path("log/", moderation_log, name="log"),
    path("topics/<id:pk>/escalate/", escalate, name="escalate"),
    path("topics/<id:pk>/promote/", promote, name="promote"),
]


@hooks.register("register_admin_urls")
def register_moderation_urls():
    return [path("community/", include((moderation_urls, "community_moderation")))]


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        return access.can_moderate(request.user)


@hooks.register("register_admin_menu_item")
def register_community_menu():
    items = [
        ModeratorMenuItem(
            gettext_lazy("Moderation queue"),
            reverse("community_moderation:queue"),
            name="community-queue",
            icon_name="warning",
            order=1,
        ),
        ModeratorMenuItem(
            gettext_lazy("Moderation log"),
            reverse("community_moderation:log"),
            name="community-log",
            icon_name="list-ul",
            order=2,
        ),
    ]
    return SubmenuMenuItem(gettext_lazy("Community"), Menu(items=items), name="community", icon_name="group", order=170)


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "folder-open-inverse"
    list_display = ["name", "kind", "audience", "posting", "order", "is_active"]


class WatchedWordViewSet(SnippetViewSet):
    model = WatchedWord
    icon = "warning"
    list_display = ["word", "action"]


class BadgeViewSet(SnippetViewSet):
    model = Badge
    icon = "pick"
    list_display = ["name", "rule", "threshold", "points", "is_active"]


class CommunityProfileViewSet(SnippetViewSet):
    model = CommunityProfile
    icon = "user"
    menu_label = gettext_lazy("People")
    list_display = ["handle", "user", "trust_level", "post_count", "silenced_until", "suspended_until"]
    search_fields = ["handle"]
    panels = [
        FieldPanel("trust_level"),
        FieldPanel("trust_level_locked"),
        FieldPanel("silenced_until"),
        FieldPanel("suspended_until"),
        FieldPanel("sanction_reason"),
    ]


class CommunitySetupGroup(SnippetViewSetGroup):
    items = (CategoryViewSet, BadgeViewSet, WatchedWordViewSet, CommunityProfileViewSet)
    menu_icon = "group"
    menu_label = gettext_lazy("Community setup")
    menu_name = "community-setup"
    menu_order = 171


register_snippet(CommunitySetupGroup)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
@hooks.register("after_delete_snippet")
def forget_words(request, instances):
    instances = instances if isinstance(instances, list | tuple) else [instances]
    if any(isinstance(instance, WatchedWord) for instance in instances):
        forget_watched_words()
