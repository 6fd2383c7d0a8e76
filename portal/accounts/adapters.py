"""django-allauth customisation: brand the e-mails of the site the person is on."""

from allauth.account.adapter import DefaultAccountAdapter
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
