"""The forum's pages at /community/. Thin: parse input, call one service or selector, render."""

import difflib
from itertools import pairwise

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.beacons import seen_response
from portal.cache_versions import COMMUNITY, versions
from portal.jsonld import json_ld
from portal.markdown import markdown_to_text
from portal.page_cache import cache_publicly
from portal.text import has_controls
from themes.brand import brand_for_request

from . import access, bridges, selectors, services
from .choices import IdeaStatus, PostState, WatchLevel
from .forms import (
    AcceptForm,
    EditForm,
    FlagForm,
    GrantBadgeForm,
    ModeratePostForm,
    ModerateTopicForm,
    ReplyForm,
    SanctionForm,
    TopicForm,
    VoteForm,
    WatchForm,
)
from .models import Category, CommunityProfile, Post, PostImage, Topic, Watch
from .signals import similar_content


def _list_titles():
    return {
        "latest": _("Latest"),
        "top": _("Top"),
        "unanswered": _("Unanswered"),
        "solved": _("Solved"),
    }


def _period(request) -> str:
    period = request.GET.get("period", "month")
    return period if period in selectors.PERIODS else "month"


def _render_list_page(request, template: str, context: dict):
    """A community list page: the same for every anonymous reader until the community changes."""
    context = {"views": _list_titles(), "community_version": versions(COMMUNITY), **context}
    return cache_publicly(request, render(request, template, context))


def _site_id(request) -> int | None:
    """The brand this request is on: its community shows its own categories and the shared ones."""
    return brand_for_request(request).site_id


def _on_this_site(request, category) -> None:
    if not selectors.on_site(category, _site_id(request)):
        raise Http404


def community_home(request):
    """The community's front page: categories and the latest topics."""
    site_id = _site_id(request)
    categories = selectors.categories_for(request.user, site_id)
    return _render_list_page(
        request,
        "community/home.html",
        {
            "categories": categories,
            "topics": selectors.latest_topics(request.user, site_id),
            "can_post": _can_post_anywhere(request.user, categories),
        },
    )


def _can_post_anywhere(user, categories) -> bool:
    return any(access.may_post_in(user, category) for category in categories)


def topic_list(request, view):
    if view not in selectors.LIST_VIEWS:
        raise Http404
    period = _period(request)
    page = selectors.topic_page(
        request.user, request.GET.get("page"), view=view, period=period, site_id=_site_id(request)
    )
    title = _list_titles()[view]
    return _render_list_page(
        request,
        "community/topic_list.html",
        {
            "title": title,
            "view": view,
            "heading": title,
            "page_obj": page,
            "period": period,
            "extra": f"period={period}" if view == "top" else "",
            "periods": selectors.PERIODS,
        },
    )


def category_detail(request, slug):
    category = selectors.category_by_slug(slug)
    if category is None or not access.can_read(request.user, category):
        raise Http404
    _on_this_site(request, category)
    view = request.GET.get("view", "latest")
    if view not in selectors.LIST_VIEWS:
        view = "latest"
    period = _period(request)
    page = selectors.topic_page(request.user, request.GET.get("page"), view=view, category=category, period=period)
    watch_form = None
    if request.user.is_authenticated:
        watch = Watch.objects.filter(user=request.user, category=category).values_list("level", flat=True).first()
        watch_form = WatchForm(initial={"level": watch or WatchLevel.NORMAL})
    return _render_list_page(
        request,
        "community/category.html",
        {
            "category": category,
            "page_obj": page,
            "view": view,
            "extra": f"view={view}" + (f"&period={period}" if view == "top" else ""),
            "can_post": access.may_post_in(request.user, category),
            "watch_form": watch_form,
        },
    )


def tag_detail(request, slug):
    page = selectors.topic_page(request.user, request.GET.get("page"), tag=slug, site_id=_site_id(request))
    return _render_list_page(
        request,
        "community/topic_list.html",
        {"view": "tag", "page_obj": page, "title": f"#{slug}", "heading": _("Topics tagged %(tag)s") % {"tag": slug}},
    )


def topic_detail(request, pk, slug=None):
    topic = selectors.topic_by_pk(pk)
    if topic is None:
        raise Http404
    if topic.merged_into_id:
        return redirect(Topic.objects.get(pk=topic.merged_into_id).get_absolute_url(), permanent=True)
    access.check_readable(request.user, topic)
    _on_this_site(request, topic.category)
    if slug != topic.slug:
        return redirect(topic.get_absolute_url() + (f"?{request.GET.urlencode()}" if request.GET else ""))
    return _render_topic(request, topic, None)


@require_GET
def topic_seen(request, pk):
    """Counts a view of a topic the reader may see (the page's image beacon: portal.beacons)."""
    topic = selectors.topic_by_pk(pk)
    if topic is not None and topic.is_listed and access.can_read(request.user, topic.category):
        services.record_topic_view(topic.pk)
    return seen_response()


def _quote_initial(request, topic):
    quote = request.GET.get("quote", "")
    if not quote.isdigit():
        return {}
    post = Post.objects.filter(pk=int(quote), topic=topic, state=PostState.PUBLISHED).select_related("author").first()
    if post is None:
        return {}
    handle = services.profile_for(post.author).handle
    quoted = "\n".join(f"> {line}" for line in post.body_source.splitlines()[:20])
    return {"body": f"@{handle} wrote:\n{quoted}\n\n", "reply_to": post.pk}


def _render_topic(request, topic, reply_form, status=200):
    page = selectors.thread(request.user, topic, request.GET.get("page"))
    services.record_reading(user=request.user, topic=topic)
    user = request.user
    watch = None
    if user.is_authenticated:
        watch = Watch.objects.filter(user=user, topic=topic).values_list("level", flat=True).first()
    moderator = access.can_moderate(user, topic.category)
    can_reply = access.may_post_in(user, topic.category) and topic.is_listed and (not topic.is_locked or moderator)
    if reply_form is None and can_reply:
        reply_form = ReplyForm(initial=_quote_initial(request, topic))
    context = {
        "topic": topic,
        "thread": page,
        "page_obj": page.page,
        "reply_form": reply_form,
        "can_reply": can_reply,
        "can_accept": topic.category.is_questions
        and user.is_authenticated
        and (user.pk == topic.author_id or moderator),
        "moderator": moderator,
        "is_staff": access.is_staff(user),
        # Forms only for those who see them.
        "watch_form": WatchForm(initial={"level": watch or WatchLevel.NORMAL}) if user.is_authenticated else None,
        "moderate_form": ModerateTopicForm(initial={"category": topic.category_id, "idea_status": topic.idea_status})
        if moderator
        else None,
        "idea_statuses": IdeaStatus.choices,
        "can_escalate": bridges.can_escalate(user) and not topic.support_request,
        "can_promote": bridges.can_promote(user) and topic.is_solved and not topic.article_page_id,
        "article": _article(topic),
        "sees_request": topic.support_request and (user.pk == topic.author_id or access.is_staff(user)),
        "views": _list_titles(),
        "tag_links": selectors.tag_links(topic),
        "json_ld": _qa_json_ld(request, page) if topic.is_solved and page.accepted and page.opening else "",
    }
    context.update(
        {
            "full_path": request.get_full_path(),
            "accept_url": reverse("community:accept", args=[topic.pk]),
            "topic_path": selectors.topic_path(topic),
            "category_url": topic.category.get_absolute_url(),
            "replies": page.page.object_list,
        }
    )
    response = render(request, "community/topic.html", context, status=status)
    return cache_publicly(request, response) if status == 200 else response


def _article(topic):
    """The live help article an accepted answer became, if any."""
    if not topic.article_page_id:
        return None
    from wagtail.models import Page

    return Page.objects.live().public().filter(pk=topic.article_page_id).first()


def _qa_json_ld(request, page) -> str:
    topic, accepted = page.topic, page.accepted
    data = {
        "@context": "https://schema.org",
        "@type": "QAPage",
        "mainEntity": {
            "@type": "Question",
            "name": topic.title,
            "text": markdown_to_text(page.opening.body_source, limit=2000),
            "answerCount": topic.reply_count,
            "dateCreated": topic.created_at.isoformat(),
            "author": {"@type": "Person", "name": page.opening.author.public_name},
            "acceptedAnswer": {
                "@type": "Answer",
                "text": markdown_to_text(accepted.body_source, limit=2000),
                "dateCreated": accepted.created_at.isoformat(),
                "upvoteCount": accepted.score,
                "url": request.build_absolute_uri(accepted.get_absolute_url()),
                "author": {"@type": "Person", "name": accepted.author.public_name},
            },
        },
    }
    return json_ld(data)


def post_redirect(request, pk):
    post = get_object_or_404(Post.objects.select_related("topic__category"), pk=pk)
    topic = selectors.readable_topic(request.user, post.topic_id)
    if (
        not post.is_visible
        and not access.can_moderate(request.user, topic.category)
        and post.author_id != (request.user.pk)
    ):
        raise Http404
    page = selectors.reply_page_of(request.user, post)
    suffix = f"?page={page}" if page > 1 else ""
    return redirect(f"{topic.get_absolute_url()}{suffix}#{post.anchor}")


@login_required
def new_topic(request):
    categories = [
        c for c in selectors.categories_for(request.user, _site_id(request)) if access.may_post_in(request.user, c)
    ]
    if not categories:
        messages.error(request, _("There is no category you can post in."))
        return redirect("community:home")
    initial = {}
    wanted = request.GET.get("category")
    if wanted:
        initial["category"] = next((c.pk for c in categories if c.slug == wanted), None)
    form = TopicForm(request.POST or None, request.FILES or None, categories=categories, initial=initial)
    preview = suggestions = None
    status = 200
    if request.method == "POST":
        if form.is_valid() and "preview" in request.POST:
            preview = _preview(request.user, form.cleaned_data["body"])
            suggestions = _similar(request, form.cleaned_data["title"])
        elif form.is_valid():
            try:
                if not request.session.session_key:
                    request.session.save()
                body = _body_with_image(request.user, form.cleaned_data["body"], form.cleaned_data.get("image"))
                topic = services.start_topic(
                    category=form.cleaned_data["category"],
                    author=request.user,
                    title=form.cleaned_data["title"],
                    body=body,
                    tags=form.cleaned_data["tags"],
                    language=request.LANGUAGE_CODE,
                    session_key=request.session.session_key,
                )
            except services.CommunityError as error:
                form.add_error(None, str(error))
                status = 400
            else:
                if topic.state == PostState.PENDING:
                    messages.info(request, _("Thank you! A moderator will look at your topic before it is shown."))
                else:
                    messages.success(request, _("Your topic is posted."))
                return redirect(topic.get_absolute_url())
        else:
            status = 400
    return render(
        request,
        "community/new_topic.html",
        {"form": form, "preview": preview, "suggestions": suggestions},
        status=status,
    )


def _body_with_image(user, body: str, upload) -> str:
    """The post's text, with the uploaded image (if any) kept and shown at its end."""
    if not upload:
        return body
    return services.with_image(body, services.upload_image(uploader=user, upload=upload))


@require_GET
def image(request, token, name):
    """An image of a post, inline: checked as a raster image on upload, never sniffed as anything else."""
    picture = get_object_or_404(PostImage, token=token)
    try:
        handle = picture.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=picture.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _preview(user, body: str) -> str:
    from . import text

    profile = services.profile_for(user)
    try:
        return text.prepare(body, may_link=profile.trust_level > 0 or access.is_staff(user)).html
    except text.TextRejected as error:
        return f"<p>{error}</p>"


def _similar(request, title: str):
    return similar_content(title, request.user, _site_id(request))[:5]


@login_required
@require_POST
def reply(request, pk):
    topic = selectors.readable_topic(request.user, pk)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_topic(request, topic, form, status=400)
    reply_to = None
    if form.cleaned_data.get("reply_to"):
        reply_to = Post.objects.filter(pk=form.cleaned_data["reply_to"], topic=topic).first()
    try:
        body = _body_with_image(request.user, form.cleaned_data["body"], form.cleaned_data.get("image"))
        post = services.reply(topic=topic, author=request.user, body=body, reply_to=reply_to)
    except services.CommunityError as error:
        form.add_error(None, str(error))
        return _render_topic(request, topic, form, status=400)
    if post.state == PostState.PENDING:
        messages.info(request, _("Thank you! A moderator will look at your reply before it is shown."))
    return redirect("community:post", pk=post.pk)


def _own_post(request, pk) -> Post:
    post = get_object_or_404(Post.objects.select_related("topic__category", "author"), pk=pk)
    selectors.readable_topic(request.user, post.topic_id)
    if post.author_id != request.user.pk and not access.can_moderate(request.user, post.topic.category):
        raise Http404
    return post


@login_required
def edit_post(request, pk):
    post = _own_post(request, pk)
    if post.state == PostState.DELETED:
        raise Http404
    form = EditForm(
        request.POST or None, with_title=post.is_opening, initial={"title": post.topic.title, "body": post.body_source}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.edit_post(
                    post=post, editor=request.user, body=form.cleaned_data["body"], title=form.cleaned_data.get("title")
                )
            except services.CommunityError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect("community:post", pk=post.pk)
        status = 400
    return render(request, "community/edit_post.html", {"form": form, "post": post}, status=status)


@login_required
@require_POST
def delete_post(request, pk):
    post = _own_post(request, pk)
    try:
        services.delete_post(post=post, actor=request.user)
    except services.CommunityError as error:
        messages.error(request, str(error))
        return redirect("community:post", pk=post.pk)
    messages.success(request, _("The post was deleted."))
    if post.is_opening:
        return redirect(post.topic.category.get_absolute_url())
    return redirect(post.topic.get_absolute_url())


@login_required
def post_history(request, pk):
    post = get_object_or_404(Post.objects.select_related("topic__category"), pk=pk)
    if not access.can_moderate(request.user, post.topic.category):
        raise Http404
    versions = [(post.edited_at or post.created_at, None, post.body_source)]
    versions += [(r.created_at, r.editor, r.body_source) for r in post.revisions.select_related("editor")]
    changes = []
    for (when, _editor, new), (_old_when, editor, old) in pairwise(versions):
        diff = "\n".join(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=1))
        changes.append({"when": when, "editor": editor, "diff": diff})
    return render(request, "community/post_history.html", {"post": post, "changes": changes})


def _back(request, fallback: str) -> str:
    # A post's buttons carry it in their address (`formaction`); other forms as a field.
    target = request.POST.get("next") or request.GET.get("next", "")
    if has_controls(target) or len(target) > 2000:
        return fallback  # an address with control characters (NUL, CR, LF) names no page of ours
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def vote(request, pk):
    post = get_object_or_404(Post.objects.select_related("topic"), pk=pk)
    selectors.readable_topic(request.user, post.topic_id)
    form = VoteForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Unknown vote."))
    try:
        score = services.vote(post=post, user=request.user, value=form.cleaned_data["value"])
    except services.CommunityError as error:
        if _wants_json(request):
            return JsonResponse({"error": str(error)}, status=400)
        messages.error(request, str(error))
        return redirect(_back(request, post.get_absolute_url()))
    if _wants_json(request):
        return JsonResponse({"score": score, "value": form.cleaned_data["value"]})
    return redirect(_back(request, post.get_absolute_url()))


@login_required
@require_POST
def accept(request, pk):
    topic = selectors.readable_topic(request.user, pk)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Unknown reply."))
    post = None
    if form.cleaned_data["post"]:
        post = Post.objects.filter(pk=form.cleaned_data["post"], topic=topic).first()
        if post is None:
            return HttpResponseBadRequest(_("Unknown reply."))
    try:
        services.accept_solution(topic=topic, post=post, actor=request.user)
    except services.CommunityError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Marked as the solution.") if post else _("The solution mark was removed."))
    return redirect(topic.get_absolute_url())


@login_required
def flag(request, pk):
    post = get_object_or_404(Post.objects.select_related("topic__category"), pk=pk)
    selectors.readable_topic(request.user, post.topic_id)
    form = FlagForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.flag_post(
                    post=post, flagger=request.user, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"]
                )
            except services.CommunityError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Thank you. Moderators will look at it."))
                return redirect(post.topic.get_absolute_url())
        status = 400
    return render(request, "community/flag.html", {"form": form, "post": post}, status=status)


@login_required
@require_POST
def watch_topic(request, pk):
    topic = selectors.readable_topic(request.user, pk)
    form = WatchForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Unknown notification level."))
    services.set_watch(user=request.user, topic=topic, level=form.cleaned_data["level"])
    messages.success(request, _("Your notification setting is saved."))
    return redirect(topic.get_absolute_url())


@login_required
@require_POST
def watch_category(request, slug):
    category = get_object_or_404(Category, slug=slug)
    if not access.can_read(request.user, category):
        raise Http404
    form = WatchForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Unknown notification level."))
    services.set_watch(user=request.user, category=category, level=form.cleaned_data["level"])
    messages.success(request, _("Your notification setting is saved."))
    return redirect(category.get_absolute_url())


@login_required
@require_POST
def moderate_topic(request, pk):
    topic = selectors.readable_topic(request.user, pk)
    form = ModerateTopicForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(topic.get_absolute_url())
    data = form.cleaned_data
    action, reason = data["action"], data["reason"]
    try:
        if action == "idea_status":
            services.set_idea_status(topic=topic, actor=request.user, status=data["idea_status"])
        elif not access.can_moderate(request.user, topic.category):
            raise Http404
        elif action in ("lock", "unlock"):
            services.set_topic_flag(topic=topic, actor=request.user, locked=action == "lock", reason=reason)
        elif action in ("pin", "unpin"):
            services.set_topic_flag(topic=topic, actor=request.user, pinned=action == "pin", reason=reason)
        elif action == "move":
            services.move_topic(topic=topic, actor=request.user, category=data["category"], reason=reason)
        elif action == "merge":
            target = Topic.objects.filter(pk=data["merge_into"]).first()
            if target is None:
                raise services.CommunityError(_("There is no topic with that number."))
            topic = services.merge_topics(source=topic, target=target, actor=request.user, reason=reason)
    except services.CommunityError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Done."))
    return redirect(topic.get_absolute_url())


@login_required
@require_POST
def moderate_post(request, pk):
    post = get_object_or_404(Post.objects.select_related("topic__category"), pk=pk)
    if not access.can_moderate(request.user, post.topic.category):
        raise Http404
    form = ModeratePostForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Unknown action."))
    action = form.cleaned_data["action"]
    if action == "approve":
        services.approve_post(post=post, actor=request.user)
    elif action == "hide":
        services.hide_post(post=post, actor=request.user, reason=form.cleaned_data["reason"])
    else:
        services.dismiss_flags(post=post, actor=request.user)
    messages.success(request, _("Done."))
    return redirect(_back(request, reverse("community:post", kwargs={"pk": post.pk})))


def profile(request, handle):
    profile = get_object_or_404(CommunityProfile.objects.select_related("user"), handle=handle)
    if not profile.user.is_active and not profile.former_member:
        raise Http404
    context = selectors.profile_page(request.user, profile, _site_id(request))
    context["level_name"] = services.reputation_level(context["reputation"])
    context["can_moderate"] = access.can_moderate_people(request.user)
    context["sanction_form"] = SanctionForm() if access.can_sanction(request.user, profile.user) else None
    context["badge_form"] = GrantBadgeForm() if context["can_moderate"] else None
    context["staff_links"] = selectors.staff_links(request.user, profile.user)
    return render(request, "community/profile.html", context)


@login_required
@require_POST
def sanction(request, handle):
    profile = get_object_or_404(CommunityProfile.objects.select_related("user"), handle=handle)
    if not access.can_moderate_people(request.user):
        raise Http404
    form = SanctionForm(request.POST)
    if form.is_valid():
        try:
            services.sanction(user=profile.user, actor=request.user, **form.cleaned_data)
        except services.CommunityError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Check the action and the number of days."))
    return redirect(profile.get_absolute_url())


@login_required
@require_POST
def grant_badge(request, handle):
    profile = get_object_or_404(CommunityProfile.objects.select_related("user"), handle=handle)
    if not access.can_moderate_people(request.user):
        raise Http404
    form = GrantBadgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a badge."))
    else:
        try:
            award = services.grant_badge(
                badge=form.cleaned_data["badge"],
                user=profile.user,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.CommunityError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Badge granted.") if award else _("They already have this badge."))
    return redirect(profile.get_absolute_url())


def leaderboard(request):
    period = request.GET.get("period", "month")
    if period not in selectors.PERIODS:
        period = "month"
    return render(
        request,
        "community/leaderboard.html",
        {"rows": selectors.leaderboard(period), "period": period, "periods": selectors.PERIODS},
    )
