"""The NPS question for customers: one-click answers from the e-mail and the form in the customer
area (the e-mail's "do not ask me again" is the privacy app's consent withdrawal)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import nps
from .forms import NPSCommentForm, NPSForm


@require_http_methods(["GET", "POST"])
def answer_link(request, token):
    """A score clicked in the e-mail: no sign-in, the first answer counts; then an optional "why"."""
    try:
        survey, score = nps.open_link(token)
    except nps.SurveyError as error:
        return render(request, "insights/nps_answer.html", {"error": str(error)}, status=400)
    form = NPSCommentForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            nps.explain(survey=survey, comment=form.cleaned_data["comment"])
            return render(request, "insights/nps_answer.html", {"survey": survey, "explained": True})
        return render(request, "insights/nps_answer.html", {"survey": survey, "form": form}, status=400)
    fresh = nps.answer(survey=survey, score=score)
    return render(
        request,
        "insights/nps_answer.html",
        {"survey": survey, "fresh": fresh, "form": form if not survey.comment else None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer_form(request):
    """/feedback/nps/: the question waiting for the signed-in person."""
    survey = nps.pending(request.user)
    if survey is None:
        return render(request, "insights/nps_form.html", {"survey": None})
    form = NPSForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            nps.answer(survey=survey, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"])
            messages.success(request, _("Thank you for your answer."))
            return redirect("accounts:dashboard")
        return render(request, "insights/nps_form.html", {"survey": survey, "form": form}, status=400)
    return render(request, "insights/nps_form.html", {"survey": survey, "form": form})
