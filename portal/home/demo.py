"""Demo content for a first run: two branded sites in four languages, and one person per role.

Everything here is idempotent: running it again finds what exists and changes nothing.
"""

import secrets
from dataclasses import dataclass, replace
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page, Site

from knowledge_base.models import HelpIndexPage
from portal.accounts.models import Organisation, User
from portal.accounts.roles import ADMIN, AGENT, CUSTOMER, EDITOR, MODERATOR, ROLE_GROUPS
from portal.home.models import HomePage
from themes.models import BrandingSettings

#: The texts of each demo site's pages, per language.
HOME_TEXT = {
    "en": (
        "How can we help?",
        "Search our guides, ask the community or contact the support team.",
        "Help centre",
        "Guides and answers for every product.",
    ),
    "sr-latn": (
        "Kako možemo da pomognemo?",
        "Pretražite uputstva, pitajte zajednicu ili se obratite podršci.",
        "Centar za pomoć",
        "Uputstva i odgovori za sve proizvode.",
    ),
    "sr": (
        "Како можемо да помогнемо?",
        "Претражите упутства, питајте заједницу или се обратите подршци.",
        "Центар за помоћ",
        "Упутства и одговори за све производе.",
    ),
    "sl": (
        "Kako vam lahko pomagamo?",
        "Preiščite navodila, vprašajte skupnost ali se obrnite na podporo.",
        "Center za pomoč",
        "Navodila in odgovori za vse izdelke.",
    ),
}


@dataclass(frozen=True)
class DemoSite:
    title: str
    slug: str
    hostname: str
    port: int
    is_default: bool
    brand_name: str
    tagline: str
    colour: str
    support_email: str


DEMO_SITES = [
    DemoSite(
        "Northwind",
        "home",
        "127.0.0.1",
        8000,
        True,
        "Northwind Help",
        "Answers for Northwind customers",
        "#1f5fbf",
        "support@northwind.example",
    ),
    DemoSite(
        "Nordlight",
        "nordlight",
        "nordlight.localhost",
        8000,
        False,
        "Nordlight Support",
        "Nordlight customer care",
        "#0f6e5a",
        "care@nordlight.example",
    ),
]

DEMO_PEOPLE = [
    # (e-mail, display name, role, superuser)
    ("admin@example.com", "Ana Admin", ADMIN, True),
    ("editor@example.com", "Eva Editor", EDITOR, False),
    ("agent@example.com", "Aleksa Agent", AGENT, False),
    ("moderator@example.com", "Marko Moderator", MODERATOR, False),
    ("customer@example.com", "Katarina Customer", CUSTOMER, False),
]

PASSWORD_FILE = Path(settings.BASE_DIR) / "var" / "demo-password.txt"


def demo_password() -> str:
    """One random password for all demo people, kept in var/ so it survives re-runs."""
    if PASSWORD_FILE.exists():
        return PASSWORD_FILE.read_text().strip()
    PASSWORD_FILE.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    PASSWORD_FILE.write_text(password + "\n")
    PASSWORD_FILE.chmod(0o600)
    return password


def _publish(page: Page) -> None:
    page.save_revision().publish()


def _ensure_home(spec: DemoSite, root: Page, locale: Locale) -> HomePage:
    home = HomePage.objects.filter(slug=spec.slug, locale=locale, depth=2).first()
    if home is None:
        heading, intro, _help_title, _help_intro = HOME_TEXT[locale.language_code]
        home = HomePage(title=spec.title, slug=spec.slug, heading=heading, intro=intro, locale=locale)
        root.add_child(instance=home)
        _publish(home)
    return home


def _ensure_help(home: HomePage) -> HelpIndexPage:
    help_index = HelpIndexPage.objects.child_of(home).first()
    if help_index is None:
        _heading, _intro, title, intro = HOME_TEXT[home.locale.language_code]
        help_index = HelpIndexPage(title=title, slug="help", intro=intro, locale=home.locale)
        home.add_child(instance=help_index)
        _publish(help_index)
    return help_index


def _ensure_translation(page: Page, locale: Locale, **fields) -> Page:
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    translated = page.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(translated, name, value)
    translated.save()
    _publish(translated)
    return translated


def _ensure_site(spec: DemoSite) -> Site:
    default_locale = Locale.get_default()
    root = Page.get_first_root_node()
    home = _ensure_home(spec, root, default_locale)
    help_index = _ensure_help(home)
    for code, (heading, intro, help_title, help_intro) in HOME_TEXT.items():
        if code == default_locale.language_code:
            continue
        locale = Locale.objects.get(language_code=code)
        _ensure_translation(home, locale, heading=heading, intro=intro)
        _ensure_translation(help_index, locale, title=help_title, intro=help_intro)

    site = Site.objects.filter(hostname=spec.hostname).first()
    if site is not None and site.port != spec.port:
        site.port = spec.port  # started on another port than last time
        site.save(update_fields=["port"])
    if site is None:
        site = Site.objects.create(
            hostname=spec.hostname,
            port=spec.port,
            root_page=home,
            site_name=spec.title,
            is_default_site=spec.is_default,
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save(update_fields=["root_page"])

    branding = BrandingSettings.for_site(site)
    if not branding.brand_name:
        branding.brand_name = spec.brand_name
        branding.tagline = spec.tagline
        branding.primary_colour = spec.colour
        branding.support_email = spec.support_email
        branding.footer_links = [
            ("link", {"label": "Help centre", "page": help_index, "url": ""}),
            ("link", {"label": "Status", "page": None, "url": f"https://status.{spec.support_email.split('@')[1]}/"}),
        ]
        branding.save()
    return site


def _remove_wagtail_welcome_page() -> None:
    """Wagtail's fresh database has a placeholder “Welcome” page as the default site's root."""
    for page in Page.objects.filter(depth=2, content_type__model="page", slug="home"):
        Site.objects.filter(root_page=page).delete()
        page.delete()


def _ensure_people(password: str) -> list[User]:
    organisation, _created = Organisation.objects.get_or_create(
        slug="acme", defaults={"name": "Acme d.o.o.", "email_domain": "acme.example"}
    )
    from django.contrib.auth.models import Group

    people = []
    for email, name, role, is_superuser in DEMO_PEOPLE:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User(email=email, display_name=name, is_superuser=is_superuser, is_staff=is_superuser)
            if role == CUSTOMER:
                user.organisation = organisation
            user.set_password(password)
            user.save()
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
        people.append(user)
    return people


@transaction.atomic
def seed_demo(*, port: int = 8000) -> tuple[list[Site], list[User], str]:
    """The demo, served on `port`: the sites' addresses (links in e-mails, canonical links) use it."""
    _remove_wagtail_welcome_page()
    sites = [_ensure_site(replace(spec, port=port)) for spec in DEMO_SITES]
    password = demo_password()
    people = _ensure_people(password)
    editor = next(person for person in people if person.email == "editor@example.com")
    from knowledge_base.demo import seed_knowledge_base

    main_help = HelpIndexPage.objects.child_of(sites[0].root_page).get(locale=Locale.get_default())
    seed_knowledge_base(help_index=main_help, owner=editor)
    from knowledge_base.demo import seed_second_brand

    second_help = HelpIndexPage.objects.child_of(sites[1].root_page).get(locale=Locale.get_default())
    seed_second_brand(help_index=second_help, owner=editor)
    from tickets.demo import seed_support

    by_email = {person.email: person for person in people}
    seed_support(
        agent=by_email["agent@example.com"],
        admin=by_email["admin@example.com"],
        customer=by_email["customer@example.com"],
    )
    from community.demo import seed_community
    from portal.membership.demo import seed_membership

    seed_community(sites={"northwind": sites[0], "nordlight": sites[1]})
    seed_membership(password=password)
    from tickets.demo import give_plans_their_policy

    give_plans_their_policy()
    # Demo content is written in bulk; index all of it in one go rather than page by page.
    from portal.search import service
    from portal.search.demo import seed_synonyms

    seed_synonyms()
    service.rebuild()
    from portal.privacy.demo import translate_purposes

    translate_purposes()
    from portal.insights.demo import seed_history

    # After the index: the history's opened suggestions name real articles and their products.
    seed_history(agents=[by_email["agent@example.com"], by_email["admin@example.com"]])
    from portal.customers.demo import seed_purchase_history

    # After the support history: engagement counts the requests customers filed.
    seed_purchase_history()
    return sites, people, password
