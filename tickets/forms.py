"""Forms for customers and agents. They validate; the services write."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.uploads import ALLOWED, check_upload

from .choices import Channel, CustomerStatusFilter, FieldKind, Impact, Priority, Status
from .models import CannedResponse, Queue, Rating, RequestType, SupportSettings

MAX_SUBJECT = 200
MAX_BODY = 20_000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content against the support settings."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(f".{ext}" for ext in sorted(ALLOWED))}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        settings = SupportSettings.current()
        if len(uploads) > settings.max_attachments:
            raise ValidationError(
                ngettext("Attach at most %(count)d file.", "Attach at most %(count)d files.", settings.max_attachments)
                % {"count": settings.max_attachments}
            )
        checked, errors = [], []
        for upload in uploads:
            upload = super().clean(upload, initial)
            try:
                checked.append(check_upload(upload, max_bytes=settings.max_attachment_mb * 1024 * 1024))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return checked


def attachments_help(settings=None) -> str:
    settings = settings or SupportSettings.current()
    return _("Up to %(count)s files, %(size)s MB each: %(types)s.") % {
        "count": settings.max_attachments,
        "size": settings.max_attachment_mb,
        "types": ", ".join(sorted(ALLOWED)),
    }


class PeopleField(forms.CharField):
    """E-mail addresses, separated by commas or new lines: checked for form only.

    Whether an address has an account is never said here (that would tell anyone who is a
    customer); `services.set_cc` CC's accounts and invites the rest.
    """

    widget = forms.Textarea(attrs={"rows": 2})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 4000)  # ten addresses fit many times over
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        addresses = sorted({part.strip().lower() for part in value.replace("\n", ",").split(",") if part.strip()})
        if len(addresses) > 10:
            raise ValidationError(_("Add at most 10 people."))
        validator = forms.EmailField()
        for address in addresses:
            validator.clean(address)
        return addresses


class NewRequestForm(forms.Form):
    """A request of one type: the common questions, then the type's own fields."""

    subject = forms.CharField(
        label=_("Subject"), max_length=MAX_SUBJECT, help_text=_("A short summary of the problem.")
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What happened, what you expected, and what you tried. Markdown is supported."),
    )
    impact = forms.ChoiceField(
        label=_("How much does this affect you?"),
        choices=Impact.choices,
        initial=Impact.MINOR,
        widget=forms.RadioSelect,
    )
    attachments = MultipleFileField(label=_("Files"))
    cc = PeopleField(
        label=_("Also keep informed (e-mail addresses)"),
        required=False,
        help_text=_("Colleagues to keep informed. Anyone without an account here is invited to sign up."),
    )

    def __init__(self, *args, request_type: RequestType, product_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.request_type = request_type
        self.fields["attachments"].help_text = attachments_help()
        self.extra_keys = []
        for extra in request_type.fields.all():
            name = f"extra_{extra.key}"
            common = {"label": extra.label, "required": extra.required, "help_text": extra.help_text}
            if extra.kind == FieldKind.LONG_TEXT:
                field = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), **common)
            elif extra.kind == FieldKind.NUMBER:
                field = forms.IntegerField(min_value=0, max_value=10**12, **common)
            elif extra.kind == FieldKind.DATE:
                field = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
            elif extra.kind in (FieldKind.CHOICE, FieldKind.PRODUCT):
                options = extra.choice_list if extra.kind == FieldKind.CHOICE else list(product_choices)
                field = forms.ChoiceField(choices=[("", "—"), *((option, option) for option in options)], **common)
            else:
                field = forms.CharField(max_length=200, **common)
            self.fields[name] = field
            self.extra_keys.append((extra.key, name))
        # The type's own questions come right after the subject.
        order = ["subject", *(name for _key, name in self.extra_keys), "impact", "description", "attachments", "cc"]
        self.order_fields(order)

    def clean_subject(self):
        subject = self.cleaned_data["subject"].strip()
        if not subject:
            raise ValidationError(_("Please write a subject."))
        return subject

    def request_values(self) -> dict:
        """What `services.open_ticket` takes from this form (the page and the API file alike)."""
        return {
            "request_type": self.request_type,
            "subject": self.cleaned_data["subject"],
            "description": self.cleaned_data["description"],
            "impact": self.cleaned_data["impact"],
            "fields": self.extra_values(),
            "files": self.cleaned_data["attachments"],
        }

    def extra_values(self) -> dict:
        values = {}
        for key, name in self.extra_keys:
            value = self.cleaned_data.get(name)
            if value not in (None, ""):
                values[key] = value.isoformat() if hasattr(value, "isoformat") else value
        return values


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"), max_length=MAX_BODY, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachments = MultipleFileField(label=_("Files"))

    def __init__(self, *args, settings_obj=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachments_help(settings_obj)

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("body") or "").strip() and not cleaned.get("attachments") and not self.errors:
            raise ValidationError(_("Write a message or add a file."))
        return cleaned


class CCForm(forms.Form):
    cc = PeopleField(label=_("People kept informed"), required=False, help_text=_("E-mail addresses, one per line."))


class RequestListForm(forms.Form):
    """Search, filter and sort on the customer's list. Unknown values fall back to defaults."""

    SORTS = {
        "updated": ("-last_activity_at", _("Recently updated")),
        "newest": ("-created_at", _("Newest first")),
        "oldest": ("created_at", _("Oldest first")),
    }

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *CustomerStatusFilter.choices]
    )
    scope = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("mine", _("My requests")), ("organisation", _("My organisation's requests"))],
    )
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[(k, v[1]) for k, v in SORTS.items()])


# --- Agent desk ----------------------------------------------------------------------------


class AgentReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=MAX_BODY, required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    internal = forms.BooleanField(label=_("Internal note (the customer does not see it)"), required=False)
    status = forms.ChoiceField(
        label=_("Then set status to"),
        required=False,
        choices=[("", _("Waiting on customer (after a reply)")), *Status.choices],
    )
    canned = forms.ModelChoiceField(
        label=_("Canned response"), required=False, queryset=CannedResponse.objects.none(), empty_label="—"
    )
    article = forms.IntegerField(label=_("Help article to link"), required=False, widget=forms.HiddenInput)
    attachments = MultipleFileField(label=_("Files"))

    def __init__(self, *args, queue=None, **kwargs):
        super().__init__(*args, **kwargs)
        from wagtail.admin.widgets import AdminPageChooser

        from knowledge_base.models import ArticlePage

        queryset = CannedResponse.objects.all()
        if queue is not None:
            queryset = queryset.filter(models_q_queue(queue))
        self.fields["canned"].queryset = queryset
        self.fields["article"] = forms.ModelChoiceField(
            label=_("Link a help article"),
            required=False,
            queryset=ArticlePage.objects.live(),
            widget=AdminPageChooser(target_models=[ArticlePage]),
        )


def models_q_queue(queue):
    from django.db.models import Q

    return Q(queue__isnull=True) | Q(queue=queue)


class TicketPropertiesForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    queue = forms.ModelChoiceField(label=_("Queue"), queryset=Queue.objects.all(), empty_label=None)
    assignee = forms.ModelChoiceField(label=_("Assignee"), queryset=get_user_model().objects.none(), required=False)
    tags = forms.CharField(label=_("Tags"), required=False, max_length=255, help_text=_("Comma-separated."))
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("The customer's own")), *settings.LANGUAGES],
        required=False,
        help_text=_("The language of the e-mails to the customer."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import agents

        self.fields["assignee"].queryset = agents()
        self.fields["assignee"].label_from_instance = lambda user: user.get_full_name() or user.email

    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.cleaned_data.get("tags", "").split(",") if tag.strip()]


class BulkForm(forms.Form):
    tickets = forms.ModelMultipleChoiceField(queryset=None, widget=forms.CheckboxSelectMultiple)
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=get_user_model().objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", "—"), *Status.choices], required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=[("", "—"), *Priority.choices], required=False)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import agents

        self.fields["tickets"].queryset = queryset
        self.fields["assignee"].queryset = agents()

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in ("assignee", "status", "priority")):
            raise ValidationError(_("Choose what to change."))
        return cleaned


class ReferenceForm(forms.Form):
    reference = forms.CharField(label=_("Request reference"), max_length=20, help_text=_("For example SR-000123."))


class LogRequestForm(forms.Form):
    customer = forms.EmailField(label=_("Customer's e-mail address"))
    request_type = forms.ModelChoiceField(label=_("Type"), queryset=RequestType.objects.filter(is_active=True))
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[(c, label) for c, label in Channel.choices if c != Channel.PORTAL]
    )
    subject = forms.CharField(label=_("Subject"), max_length=MAX_SUBJECT)
    description = forms.CharField(label=_("What the customer said"), max_length=MAX_BODY, widget=forms.Textarea)
    impact = forms.ChoiceField(label=_("Impact"), choices=Impact.choices, initial=Impact.MINOR)

    def clean_customer(self):
        address = self.cleaned_data["customer"].strip().lower()
        try:
            return get_user_model().objects.get(email__iexact=address, is_active=True)
        except get_user_model().DoesNotExist:
            raise ValidationError(_("No customer account uses this address.")) from None


class ReasonForm(forms.Form):
    reason = forms.ChoiceField(label=_("What went wrong?"), widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Anything else you want to tell us (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, settings_obj=None, **kwargs):
        super().__init__(*args, **kwargs)
        reasons = settings_obj.bad_reasons if settings_obj else []
        self.fields["reason"].choices = [(reason, reason) for reason in reasons]


class SurveyForm(ReasonForm):
    rating = forms.ChoiceField(
        label=_("How would you rate the support you received?"), choices=Rating.choices, widget=forms.RadioSelect
    )

    field_order = ["rating", "reason", "comment"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = False
        self.fields["reason"].label = _("If bad: what went wrong?")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("rating") == Rating.BAD and not cleaned.get("reason"):
            self.add_error("reason", _("Tell us what went wrong."))
        return cleaned
