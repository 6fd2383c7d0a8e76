"""django-allauth customisation: account e-mails in the person's language, branded for the site they are on.

The messages are the portal's own (themes/templates/account/email/: text and HTML, translated),
with the brand's name and colour. They are written in the recipient's saved language when the
address belongs to an account, else in the language of the page that asked. A new account keeps the
language its person signed up in.
"""

from email.utils import formataddr, parseaddr

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.utils import translation
from wagtail.models import Site

from portal.addresses import absolute
from themes.brand import build_brand
from themes.models import BrandingSettings

LANGUAGES = {code for code, _name in settings.LANGUAGES}


def _site(request):
    site = Site.find_for_request(request) if request is not None else None
    return site or Site.objects.filter(is_default_site=True).first()


class AccountAdapter(DefaultAccountAdapter):
    def _brand_name(self) -> str:
        site = _site(self.request)
        if site is None:
            return "Portal"
        return BrandingSettings.for_site(site).display_name()

    def format_email_subject(self, subject: str) -> str:
        return f"[{self._brand_name()}] {subject}"

    def get_from_email(self) -> str:
        """The brand's own name on the sender (the address is the portal's: it is the one that sends)."""
        return formataddr((self._brand_name(), parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))

    def save_user(self, request, user, form, commit=True):
        """A new account's language is the one its person was reading when they signed up."""
        language = translation.get_language()
        if language in LANGUAGES:
            user.locale = language
        user.site = user.site or _site(request)  # the brand they joined through
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        from .models import User

        person = context.get("user")
        if not isinstance(person, User):
            person = User.objects.filter(email__iexact=email, is_active=True).first()
        language = person.locale if person is not None and person.locale in LANGUAGES else translation.get_language()
        site = _site(self.request) if self.request is not None else (person.site if person else None)
        site = site or _site(None)
        context = {
            **context,
            "brand_name": self._brand_name(),
            "brand": build_brand(site),
            "site_url": absolute("/", request=self.request, site=site),
            "recipient_name": person.get_full_name() if person is not None else "",
        }
        with translation.override(language):
            super().send_mail(template_prefix, email, context)


def sso_required_for(email: str):
    """The organisation whose domain this address is at, if it requires its own sign-in provider."""
    from .models import Organisation

    domain = (email or "").rpartition("@")[2].strip().lower()
    if not domain:
        return None
    return Organisation.objects.filter(email_domain__iexact=domain).exclude(sso_provider="").first()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Sign-in with other accounts. A social account joins an existing account only through an
    address the provider says it verified (allauth's e-mail authentication, in settings)."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return True
