import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Collection, Locale, Page, Site

from knowledge_base.models import HelpIndexPage
from portal.accounts.roles import sync_role_groups
from portal.customers.defaults import ensure_groups
from portal.home.models import HomePage
from portal.privacy.defaults import ensure_purposes
from themes.models import BrandingSettings

from .factories import UserFactory


def ensure_baseline() -> None:
    """Recreate what data migrations made, after a transactional test emptied the tables."""
    ContentType.objects.clear_cache()  # the emptied tables were refilled with new ids
    for code, _name in settings.LANGUAGES:
        Locale.objects.get_or_create(language_code=code)
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=Locale.get_default()))
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    sync_role_groups(apps)
    ensure_purposes(apps)
    ensure_groups(apps)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PORTAL_PRIVATE_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _default_language():
    """A page asked for in another language leaves that language active in the thread (Django's
    LocaleMiddleware activates it per request); the next test starts from the default again."""
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits, cached branding and template fragments must not leak from one test into the next
    (ids are reused once a test's rows are rolled back)."""
    from django.core.cache import caches

    for alias in ("default", "template_fragments"):
        caches[alias].clear()
    yield
    for alias in ("default", "template_fragments"):
        caches[alias].clear()


def make_site(*, hostname: str, title: str, colour: str, is_default: bool, slug: str) -> Site:
    """A site with a published home page and help root, branded with a name and colour."""
    ensure_baseline()
    root = Page.get_first_root_node()
    home = HomePage(title=title, slug=slug, heading=f"Welcome to {title}")
    root.add_child(instance=home)
    home.save_revision().publish()
    help_index = HelpIndexPage(title="Help centre", slug="help", intro="Guides and answers.")
    home.add_child(instance=help_index)
    help_index.save_revision().publish()
    Site.objects.filter(hostname=hostname).delete()
    if is_default:
        Site.objects.filter(is_default_site=True).update(is_default_site=False)
    site = Site.objects.create(hostname=hostname, port=80, root_page=home, site_name=title, is_default_site=is_default)
    branding = BrandingSettings.for_site(site)
    branding.brand_name = f"{title} Help"
    branding.primary_colour = colour
    branding.support_email = f"help@{slug}.example"
    branding.save()
    return site


@pytest.fixture
def site(db) -> Site:
    return make_site(hostname="testserver", title="Acme", colour="#1f5fbf", is_default=True, slug="acme-home")


@pytest.fixture
def other_site(db, site) -> Site:
    return make_site(hostname="brand-two.test", title="Beta", colour="#0f6e5a", is_default=False, slug="beta-home")


@pytest.fixture
def customer(db):
    return UserFactory(role="customer")


@pytest.fixture
def customer_client(client, customer):
    client.force_login(customer)
    return client


class Inbox:
    """What a real SMTP server (aiosmtpd) received, parsed."""

    def __init__(self):
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1 the portal sends to; yields its inbox."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


@pytest.fixture
def without_page_cache(settings):
    """Pages rendered by their views on every request, for pinning the queries a view makes."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "portal.page_cache.PageCacheMiddleware"]
