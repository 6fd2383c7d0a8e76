from django import forms
from django.utils.translation import gettext_lazy as _

from .access import MAX_SANCTION_DAYS
from .choices import FlagReason, IdeaStatus, WatchLevel
from .models import Category
from .text import MAX_LENGTH

MARKDOWN_HELP = _("Markdown works: **bold**, *italic*, `code`, > quotes, lists and links. Mention people with @name.")


class HoneypotMixin(forms.Form):
    """A field people never see; bots that fill every field give themselves away."""

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("This post looks automated and was not sent."))
        return ""


IMAGE_HELP = _("PNG, JPEG, GIF or WebP, at most 5 MB. It is added at the end of your post.")


class TopicForm(HoneypotMixin):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), empty_label=None)
    title = forms.CharField(
        label=_("Title"),
        min_length=5,
        max_length=200,
        help_text=_("Say what it is about in one sentence; similar topics and articles are suggested as you type."),
    )
    body = forms.CharField(
        label=_("Your post"), max_length=MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 10}), help_text=MARKDOWN_HELP
    )
    image = forms.FileField(label=_("Add an image"), required=False, help_text=IMAGE_HELP)
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=200, help_text=_("Up to five words, separated by commas.")
    )

    field_order = ["category", "title", "body", "image", "tags", "website"]

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(pk__in=[c.pk for c in categories])

    def clean_tags(self):
        return [tag.strip() for tag in self.cleaned_data["tags"].split(",") if tag.strip()]


class ReplyForm(HoneypotMixin):
    body = forms.CharField(
        label=_("Your reply"), max_length=MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 6}), help_text=MARKDOWN_HELP
    )
    image = forms.FileField(label=_("Add an image"), required=False, help_text=IMAGE_HELP)
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)


class EditForm(forms.Form):
    title = forms.CharField(label=_("Title"), min_length=5, max_length=200, required=False)
    body = forms.CharField(
        label=_("Text"), max_length=MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 12}), help_text=MARKDOWN_HELP
    )

    def __init__(self, *args, with_title: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_title:
            del self.fields["title"]
        else:
            self.fields["title"].required = True


class FlagForm(forms.Form):
    reason = forms.ChoiceField(label=_("What is wrong with it?"), choices=FlagReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Anything moderators should know (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class VoteForm(forms.Form):
    value = forms.TypedChoiceField(choices=[("1", "+1"), ("-1", "-1"), ("0", "0")], coerce=int)


class WatchForm(forms.Form):
    level = forms.ChoiceField(label=_("Notifications"), choices=WatchLevel.choices)


class AcceptForm(forms.Form):
    post = forms.IntegerField(required=False)


TOPIC_ACTIONS = ("lock", "unlock", "pin", "unpin", "move", "idea_status", "merge")


class ModerateTopicForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in TOPIC_ACTIONS])
    category = forms.ModelChoiceField(label=_("Move to"), queryset=Category.objects.all(), required=False)
    idea_status = forms.ChoiceField(label=_("Idea status"), choices=IdeaStatus.choices, required=False)
    merge_into = forms.IntegerField(label=_("Merge into topic number"), required=False, min_value=1)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=255)

    def clean(self):
        data = super().clean()
        if data.get("action") == "move" and not data.get("category"):
            self.add_error("category", _("Choose a category."))
        if data.get("action") == "merge" and not data.get("merge_into"):
            self.add_error("merge_into", _("Give the number of the topic to merge into."))
        return data


class ModeratePostForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("approve", "hide", "dismiss")])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=255)


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Action"),
        choices=[("silence", _("Silence (may read, may not post)")), ("suspend", _("Suspend (may not take part)"))],
    )
    days = forms.IntegerField(
        label=_("For how many days (0 lifts it)"), min_value=0, max_value=MAX_SANCTION_DAYS, initial=7
    )
    reason = forms.CharField(label=_("Reason (the person is told)"), required=False, max_length=255)


class GrantBadgeForm(forms.Form):
    badge = forms.ModelChoiceField(label=_("Badge"), queryset=None)
    reason = forms.CharField(label=_("Why (shown in the moderation log)"), required=False, max_length=255)

    def __init__(self, *args, **kwargs):
        from .models import Badge

        super().__init__(*args, **kwargs)
        self.fields["badge"].queryset = Badge.objects.filter(is_active=True)
