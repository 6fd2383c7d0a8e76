"""The five roles of the portal, kept as Django groups.

A role is a group whose name is fixed here; code asks for roles by their code, never by the
group's display name. The groups and their permissions are created by a data migration, so a
fresh database already has them.
"""

from django.utils.translation import gettext_lazy as _

CUSTOMER = "customer"
MODERATOR = "moderator"
AGENT = "agent"
EDITOR = "editor"
ADMIN = "admin"

#: role code → group name. "Editors" is the group Wagtail itself creates for page editors.
ROLE_GROUPS: dict[str, str] = {
    CUSTOMER: "Customers",
    MODERATOR: "Community moderators",
    AGENT: "Support agents",
    EDITOR: "Editors",
    ADMIN: "Administrators",
}

ROLE_LABELS = {
    CUSTOMER: _("Customer"),
    MODERATOR: _("Moderator"),
    AGENT: _("Agent"),
    EDITOR: _("Editor"),
    ADMIN: _("Admin"),
}

STAFF_ROLES = (MODERATOR, AGENT, EDITOR, ADMIN)

#: Uploading and choosing images and documents: editors' and admins' daily work.
MEDIA_PERMISSIONS = [
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
]

#: role code → model permissions ("app_label.codename") the group holds.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    CUSTOMER: [],
    MODERATOR: [
        "wagtailadmin.access_admin",
        "community.moderate_topic",
        "community.view_moderationlogentry",
        "community.view_communityprofile",
        "community.change_communityprofile",
        *[f"community.{action}_{model}" for model in ("watchedword", "badge") for action in ("add", "change", "view")],
    ],
    AGENT: [
        "wagtailadmin.access_admin",
        "accounts.view_organisation",
        "tickets.add_ticket",
        "tickets.change_ticket",
        "tickets.view_ticket",
        "tickets.add_cannedresponse",
        "tickets.change_cannedresponse",
        "tickets.view_cannedresponse",
        "privacy.add_datasubjectrequest",
        "privacy.view_datasubjectrequest",
        "privacy.add_consentevent",
    ],
    EDITOR: [
        "wagtailadmin.access_admin",
        *MEDIA_PERMISSIONS,
        "taggit.add_tag",
        "wagtailcore.view_locale",
        "knowledge_base.add_product",
        "knowledge_base.change_product",
        "knowledge_base.view_product",
        "knowledge_base.add_sharedtext",
        "knowledge_base.change_sharedtext",
        "knowledge_base.view_sharedtext",
        "knowledge_base.view_reviewtask",
        "knowledge_base.change_reviewtask",
        "portal_search.view_searchlog",
        *[f"portal_search.{action}_synonymgroup" for action in ("add", "change", "delete", "view")],
        *[f"customers.{action}_aimedcontent" for action in ("add", "change", "view")],
    ],
    ADMIN: [
        "wagtailadmin.access_admin",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.delete_user",
        "accounts.view_user",
        "accounts.add_organisation",
        "accounts.change_organisation",
        "accounts.delete_organisation",
        "accounts.view_organisation",
        "auth.add_group",
        "auth.change_group",
        "auth.view_group",
        "wagtailcore.add_site",
        "wagtailcore.change_site",
        "wagtailcore.view_site",
        "wagtailcore.add_locale",
        "wagtailcore.change_locale",
        "wagtailcore.view_locale",
        "themes.change_brandingsettings",
        *MEDIA_PERMISSIONS,
        "wagtailredirects.add_redirect",
        "wagtailredirects.change_redirect",
        "wagtailredirects.delete_redirect",
        "knowledge_base.add_product",
        "knowledge_base.change_product",
        "knowledge_base.view_product",
        "knowledge_base.view_reviewtask",
        "knowledge_base.change_reviewtask",
        "membership.add_subscription",
        "membership.change_subscription",
        "membership.view_subscription",
        "membership.view_order",
        "membership.change_order",
        "membership.view_invoice",
        "membership.view_banktransfer",
        "membership.add_banktransfer",
        "membership.view_subscriptionevent",
        *[
            f"membership.{action}_{model}"
            for model in ("tier", "benefit", "plan")
            for action in ("add", "change", "delete", "view")
        ],
        *[
            f"tickets.{action}_{model}"
            for model in ("businesscalendar", "queue", "requesttype", "slapolicy", "cannedresponse")
            for action in ("add", "change", "delete", "view")
        ],
        "tickets.add_ticket",
        "tickets.change_ticket",
        "tickets.view_ticket",
        "tickets.change_supportsettings",
        "insights.view_all_insights",
        *[f"privacy.{action}_datasubjectrequest" for action in ("add", "change", "view")],
        *[f"privacy.{action}_purpose" for action in ("add", "change", "view")],
        "privacy.add_consentevent",
        "privacy.view_accessrecord",
        *[
            f"customers.{action}_{model}"
            for model in ("rfmgroup", "segment", "offer", "campaign", "aimedcontent")
            for action in ("add", "change", "delete", "view")
        ],
        "customers.change_segmentsettings",
        "portal_search.view_searchlog",
        *[f"portal_search.{action}_synonymgroup" for action in ("add", "change", "delete", "view")],
        "community.moderate_topic",
        "community.view_moderationlogentry",
        "community.view_communityprofile",
        "community.change_communityprofile",
        "community.change_communitysettings",
        *[
            f"community.{action}_{model}"
            for model in ("category", "watchedword", "badge")
            for action in ("add", "change", "delete", "view")
        ],
        # The API: webhook subscriptions, apps that act for people, sign-in providers.
        *[f"api.{action}_webhookendpoint" for action in ("add", "change", "delete", "view")],
        "api.view_webhookdelivery",
        *[f"oauth2_provider.{action}_application" for action in ("add", "change", "delete", "view")],
        *[f"socialaccount.{action}_socialapp" for action in ("add", "change", "delete", "view")],
        "membership.view_pointsentry",
        "membership.view_redemption",
        "privacy.view_consentevent",
    ],
}

#: role code → Wagtail page permissions granted on the root of the page tree.
ROLE_PAGE_PERMISSIONS: dict[str, list[str]] = {
    EDITOR: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    ADMIN: ["add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page", "unlock_page"],
}

#: role code → collection permissions on the root collection (images and documents).
ROLE_COLLECTION_PERMISSIONS: dict[str, list[str]] = {EDITOR: MEDIA_PERMISSIONS, ADMIN: MEDIA_PERMISSIONS}


def role_codes(user) -> set[str]:
    """The role codes a user holds (superusers hold the admin role too)."""
    if not user.is_authenticated:
        return set()
    from .access import of

    by_name = {name: code for code, name in ROLE_GROUPS.items()}
    codes = {by_name[name] for name in of(user).groups if name in by_name}
    if user.is_superuser:
        codes.add(ADMIN)
    return codes


def has_role(user, code: str) -> bool:
    return code in role_codes(user)


def is_staff_member(user) -> bool:
    """True for moderators, agents, editors and admins: the people who work in /admin/."""
    return bool(role_codes(user) & set(STAFF_ROLES))


def ensure_permissions(apps) -> None:
    """Create the model permissions now; Django normally does it only after `migrate` finishes."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def sync_role_groups(apps) -> None:
    """Create the role groups and give them exactly their permissions. Idempotent.

    Takes an app registry so a data migration can call it with historical models.
    """
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    def permission(dotted: str):
        # A permission of an app whose models a later migration creates does not exist yet; that
        # app's own migration calls this function again once it does.
        app_label, codename = dotted.split(".", 1)
        return Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()

    root_page = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()
    for code, name in ROLE_GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set([p for p in (permission(dotted) for dotted in ROLE_PERMISSIONS[code]) if p])
        if root_page is not None:
            for codename in ROLE_PAGE_PERMISSIONS.get(code, []):
                GroupPagePermission.objects.get_or_create(
                    group=group,
                    page=root_page,
                    permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
                )
        if root_collection is not None:
            for dotted in ROLE_COLLECTION_PERMISSIONS.get(code, []):
                collection_permission = permission(dotted)
                if collection_permission is not None:
                    GroupCollectionPermission.objects.get_or_create(
                        group=group, collection=root_collection, permission=collection_permission
                    )
