"""Views for what readers do on knowledge-base pages: vote, explain, follow."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.models import Page

from portal.addresses import page_path
from portal.beacons import seen_response

from . import services
from .forms import ReasonForm, VoteForm
from .models import ArticleFeedback, ArticlePage, SectionPage


@require_GET
def article_seen(request, article_id: int):
    """Counts a view of an article this reader may see (the page's image beacon: portal.beacons)."""
    article = ArticlePage.objects.live().public().filter(pk=article_id).only("pk", "audience").first()
    if article is not None and article.is_visible_to(request.user):
        services.record_view(article.pk)
    return seen_response()


def access_article(user, article_id: int) -> ArticlePage:
    """The live article if this reader may see it; 404 otherwise, as if it did not exist."""
    article = ArticlePage.objects.live().public().filter(pk=article_id).first()
    if article is None or not article.is_visible_to(user):
        raise Http404
    return article


def _voter(request) -> dict:
    if request.user.is_authenticated:
        return {"user": request.user}
    if not request.session.session_key:
        request.session.save()
    return {"session_key": request.session.session_key}


def current_feedback(request, article) -> ArticleFeedback | None:
    if request.user.is_authenticated:
        return ArticleFeedback.objects.filter(article=article, user=request.user).first()
    key = request.session.session_key
    if not key:
        return None
    return ArticleFeedback.objects.filter(article=article, user__isnull=True, session_key=key).first()


@csrf_exempt
@require_http_methods(["GET", "POST"])
def feedback(request, article_id: int):
    """“Was this helpful?”: POST a yes/no; a “no” then asks for a reason on this page.

    The question sits on article pages that caches keep for every anonymous reader, so its form
    carries no CSRF token for them: an anonymous answer is tied to no account, and anyone may give
    one, so a forged one gains nothing. A signed-in person's answer is checked as every form is.
    """
    if request.user.is_authenticated:
        return _checked_feedback(request, article_id)
    return _feedback(request, article_id)


def _feedback(request, article_id: int):
    article = access_article(request.user, article_id)
    if request.method == "POST" and "helpful" in request.POST:
        vote = VoteForm(request.POST)
        if not vote.is_valid():
            return HttpResponseBadRequest(_("Answer yes or no."))
        helpful = vote.cleaned_data["helpful"]
        services.record_feedback(article=article, helpful=helpful, **_voter(request))
        if helpful:
            messages.success(request, _("Thank you for your feedback."))
            return redirect(page_path(article, request) + "#feedback")
        return redirect("knowledge_base:feedback", article_id=article.pk)

    existing = current_feedback(request, article)
    if request.method == "POST":
        form = ReasonForm(request.POST)
        if existing is None:
            return HttpResponseBadRequest(_("Answer “Was this helpful?” first."))
        if form.is_valid():
            services.record_feedback(
                article=article,
                helpful=False,
                reason=form.cleaned_data["reason"],
                comment=form.cleaned_data["comment"],
                **_voter(request),
            )
            messages.success(request, _("Thank you. The people who look after this article will see your feedback."))
            return redirect(page_path(article, request) + "#feedback")
        return render(request, "knowledge_base/feedback.html", {"article": article, "form": form}, status=400)
    initial = {"reason": existing.reason, "comment": existing.comment} if existing else None
    return render(request, "knowledge_base/feedback.html", {"article": article, "form": ReasonForm(initial=initial)})


_checked_feedback = csrf_protect(_feedback)


@login_required
@require_POST
def follow(request, page_id: int):
    """Follow or stop following an article or a section."""
    page = get_object_or_404(Page.objects.live().public().type(ArticlePage, SectionPage), pk=page_id).specific
    if isinstance(page, ArticlePage) and not page.is_visible_to(request.user):
        raise Http404
    if services.toggle_follow(user=request.user, page=page):
        messages.success(request, _("You will be notified when “%(title)s” is updated.") % {"title": page.title})
    else:
        messages.success(request, _("You no longer follow “%(title)s”.") % {"title": page.title})
    return redirect(page_path(page, request))
