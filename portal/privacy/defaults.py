"""The consent purposes every portal starts with, in the default language; admins edit and
translate them (Snippets → Consent purposes)."""

import uuid

from django.conf import settings

PURPOSES = [
    ("service", "Service e-mails", "E-mails about your account, your requests and your subscription. "
     "They come with having an account.", True),
    ("surveys", "Satisfaction and recommendation surveys", "Now and then we ask how we did: after a request "
     "is solved, and how likely you are to recommend us.", False),
    ("newsletter", "Newsletter and offers", "News about our products and offers for members, by e-mail.", False),
    ("profiling", "Personal offers", "Offers chosen for you from your purchases, subscription and activity.", False),
    ("analytics", "Product-usage analytics", "How you use the portal, counted to make it better.", False),
]  # fmt: skip


def ensure_purposes(apps) -> None:
    """Create the purposes every portal starts with, unless they exist. Idempotent; takes an app
    registry so a data migration can call it with historical models (like roles.sync_role_groups)."""
    Locale = apps.get_model("wagtailcore", "Locale")
    Purpose = apps.get_model("privacy", "Purpose")
    locale = Locale.objects.filter(language_code=settings.LANGUAGE_CODE).first() or Locale.objects.first()
    if locale is None:
        return
    for order, (code, name, description, required) in enumerate(PURPOSES):
        Purpose.objects.get_or_create(
            code=code,
            locale=locale,
            defaults={
                "name": name,
                "description": description,
                "required": required,
                "order": order,
                "translation_key": uuid.uuid4(),
            },
        )
