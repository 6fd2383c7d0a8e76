from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import FeedbackReason

COMMENT_MAX_LENGTH = 2000


class VoteForm(forms.Form):
    helpful = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda value: value == "yes", widget=forms.RadioSelect
    )


class ReasonForm(forms.Form):
    """What a “no” asks: why, and optionally what was missing."""

    reason = forms.ChoiceField(label=_("What was wrong?"), choices=FeedbackReason.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Anything to add? (optional)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Please don't include passwords or personal details."),
    )
