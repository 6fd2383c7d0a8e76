"""Where a person's data lives, and what export and erasure do with each kind.

Every model with a relation to a person is listed here with the file its rows go to in the
person's export (or why they are not exported) and what erasure does with them:

- `delete`: the rows go (their own uploads, votes, preferences, sessions of use);
- `anonymise`: the rows stay, without the person's identity (a post's text, a request's
  conversation, the points ledger's amounts);
- `keep`: the rows stay as they are, for the reason given (invoices: accounting law);
- `detach`: the person is someone's colleague here (an agent, an editor, a moderator): the
  relation is cleared or handed to "Former member", the record stays.

tests/privacy/test_registry.py fails when a model with a relation to the user model is in
neither list, so a new kind of personal data cannot be forgotten.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Rule:
    fields: tuple[str, ...]
    export: str  # the export's file for these rows; "" when they are not exported
    erase: str  # delete, anonymise, keep or detach
    why: object = ""  # for keep and for rows not exported: the reason the person is told (translatable)


ERASURES = {"delete", "anonymise", "keep", "detach"}

STAFF_WORK = _("A record of staff work, kept with the staff member's name replaced.")
WAGTAIL_EDITING = _("Editing history of the help centre: kept, the editor's name replaced.")

REGISTRY: dict[str, Rule] = {
    # People and accounts
    "accounts.User": Rule((), "profile", "anonymise"),
    "account.EmailAddress": Rule(("user",), "profile", "delete"),
    "mfa.Authenticator": Rule(("user",), "", "delete", _("Secrets of two-factor sign-in are never exported.")),
    "wagtailusers.UserProfile": Rule(("user",), "profile", "delete"),
    "notifications.Notification": Rule(("recipient",), "notifications", "delete"),
    "notifications.NotificationPreference": Rule(("user",), "notifications", "delete"),
    "privacy.ErasureRequest": Rule(
        ("person",), "", "keep", _("Proof that your account was erased, kept without your identity.")
    ),
    "privacy.DataSubjectRequest": Rule(
        ("person", "recorded_by", "handled_by"), "", "keep", _("Proof of what you asked and how it was handled.")
    ),
    "privacy.DataExport": Rule(("person",), "", "delete", _("Earlier copies of your data are not copied again.")),
    "privacy.ConsentEvent": Rule(
        ("person", "recorded_by"), "consents", "keep", _("Proof of what you allowed, kept under a pseudonym.")
    ),
    "privacy.AccessRecord": Rule(
        ("person", "viewer"), "", "keep", _("An audit of which staff opened your customer page, given on request.")
    ),
    "accounts.Organisation": Rule(("account_owner",), "", "detach", STAFF_WORK),
    # Support
    "tickets.Ticket": Rule(("requester", "assignee", "created_by", "cc"), "requests", "anonymise"),
    "tickets.Message": Rule(("author",), "requests", "anonymise"),
    "tickets.Attachment": Rule(("uploaded_by",), "requests", "delete"),
    "tickets.CCInvitation": Rule(("invited_by",), "requests", "delete"),
    "tickets.TicketEvent": Rule(("actor",), "requests", "anonymise"),
    "tickets.SatisfactionSurvey": Rule(("customer",), "satisfaction", "anonymise"),
    "tickets.Queue": Rule(("lead", "last_assignee", "agents"), "", "detach", STAFF_WORK),
    "tickets.AgentStatus": Rule(("agent",), "", "delete", STAFF_WORK),
    # Community
    "community.CommunityProfile": Rule(("user",), "community", "anonymise"),
    "community.Topic": Rule(("author", "last_poster"), "community", "anonymise"),
    "community.Post": Rule(("author",), "community", "anonymise"),
    "community.PostRevision": Rule(("editor",), "community", "anonymise"),
    "community.PostVote": Rule(("user",), "community", "delete"),
    "community.PostImage": Rule(("uploader",), "community", "delete"),
    "community.Flag": Rule(("flagger", "resolved_by"), "community", "anonymise"),
    "community.Watch": Rule(("user",), "community", "delete"),
    "community.BadgeAward": Rule(("user", "awarded_by"), "community", "delete"),
    "community.ModerationLogEntry": Rule(
        ("actor", "target_user"), "", "anonymise", _("The moderators' log; kept with names replaced.")
    ),
    "community.Category": Rule(("moderators",), "", "detach", STAFF_WORK),
    # Membership
    "membership.Subscription": Rule(("holder",), "membership", "keep", _("Kept as accounting law requires.")),
    "membership.Order": Rule(("buyer",), "membership", "keep", _("Kept as accounting law requires.")),
    "membership.PointsEntry": Rule(("user",), "membership", "anonymise"),
    "membership.Redemption": Rule(("user",), "membership", "anonymise"),
    "membership.BenefitCode": Rule(("redeemed_by",), "membership", "anonymise"),
    "membership.SubscriptionEvent": Rule(("actor",), "membership", "keep", _("Kept as accounting law requires.")),
    "membership.BankTransfer": Rule(("imported_by",), "", "detach", STAFF_WORK),
    # Knowledge base
    "knowledge_base.ArticleFeedback": Rule(("user",), "feedback", "delete"),
    "knowledge_base.Follow": Rule(("user",), "feedback", "delete"),
    "knowledge_base.ReviewReminder": Rule(("owner",), "", "delete", STAFF_WORK),
    "knowledge_base.ArticlePage": Rule(("content_owner",), "", "detach", WAGTAIL_EDITING),
    # Search and insights
    "portal_search.SuggestionOpened": Rule(("user",), "search", "anonymise"),
    "insights.NPSSurvey": Rule(("person",), "satisfaction", "anonymise"),
    "insights.SummarySent": Rule(("recipient",), "", "delete", STAFF_WORK),
    # Segments (profiling, only with consent)
    "customers.CustomerScore": Rule(("person",), "segments", "delete"),
    "customers.GroupChange": Rule(("person",), "segments", "delete"),
    "customers.SegmentMember": Rule(("person",), "segments", "delete"),
    "customers.SegmentChange": Rule(("person",), "segments", "delete"),
    "customers.Exposure": Rule(("person",), "segments", "delete"),
    "customers.Delivery": Rule(("person",), "segments", "delete"),
    # The API and sign-in with other accounts
    "api.PersonalToken": Rule(("person",), "", "delete", _("Access tokens are never exported.")),
    "api.WebhookEndpoint": Rule(("owner",), "", "delete", STAFF_WORK),
    "socialaccount.SocialAccount": Rule(("user",), "profile", "delete"),
    "oauth2_provider.Application": Rule(("user",), "", "delete", STAFF_WORK),
    "oauth2_provider.Grant": Rule(("user",), "", "delete", _("Access tokens are never exported.")),
    "oauth2_provider.AccessToken": Rule(("user",), "", "delete", _("Access tokens are never exported.")),
    "oauth2_provider.RefreshToken": Rule(("user",), "", "delete", _("Access tokens are never exported.")),
    "oauth2_provider.IDToken": Rule(("user",), "", "delete", _("Access tokens are never exported.")),
    "oauth2_provider.DeviceGrant": Rule(("user",), "", "delete", _("Access tokens are never exported.")),
    # Wagtail's own records
    "wagtailcore.Page": Rule(("owner", "locked_by"), "", "detach", WAGTAIL_EDITING),
    "wagtailcore.Revision": Rule(("user",), "", "detach", WAGTAIL_EDITING),
    "wagtailcore.PageLogEntry": Rule(("user",), "", "detach", WAGTAIL_EDITING),
    "wagtailcore.ModelLogEntry": Rule(("user",), "", "detach", WAGTAIL_EDITING),
    "wagtailcore.Comment": Rule(("user", "resolved_by"), "", "detach", WAGTAIL_EDITING),
    "wagtailcore.CommentReply": Rule(("user",), "", "detach", WAGTAIL_EDITING),
    "wagtailcore.PageSubscription": Rule(("user",), "", "delete", WAGTAIL_EDITING),
    "wagtailcore.WorkflowState": Rule(("requested_by",), "", "detach", WAGTAIL_EDITING),
    "wagtailcore.TaskState": Rule(("finished_by",), "", "detach", WAGTAIL_EDITING),
    "wagtailcore.UploadedFile": Rule(("uploaded_by_user",), "", "delete", WAGTAIL_EDITING),
    "wagtailcore.APIToken": Rule(("user",), "", "delete", _("Access tokens are never exported.")),
    "wagtailadmin.EditingSession": Rule(("user",), "", "delete", WAGTAIL_EDITING),
    "wagtailadmin.FormState": Rule(("user",), "", "delete", WAGTAIL_EDITING),
    "wagtailimages.Image": Rule(("uploaded_by_user",), "", "detach", WAGTAIL_EDITING),
    "wagtaildocs.Document": Rule(("uploaded_by_user",), "", "detach", WAGTAIL_EDITING),
}
