"""django-allauth customisation: brand the e-mails of the site the person is on."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from wagtail.models import Site

from themes.models import BrandingSettings


class AccountAdapter(DefaultAccountAdapter):
    def _brand_name(self) -> str:
        request = self.request
        site = Site.find_for_request(request) if request is not None else None
        if site is None:
            site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            return "Portal"
        return BrandingSettings.for_site(site).display_name()

    def format_email_subject(self, subject: str) -> str:
        return f"[{self._brand_name()}] {subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        context = {**context, "brand_name": self._brand_name()}
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
