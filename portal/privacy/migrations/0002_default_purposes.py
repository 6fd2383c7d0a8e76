"""The purposes every portal starts with, in the default language; admins edit and translate them."""

import uuid

from django.conf import settings
from django.db import migrations

PURPOSES = [
    ("service", "Service e-mails", "E-mails about your account, your requests and your subscription. "
     "They come with having an account.", True),
    ("surveys", "Satisfaction and recommendation surveys", "Now and then we ask how we did: after a request "
     "is solved, and how likely you are to recommend us.", False),
    ("newsletter", "Newsletter and offers", "News about our products and offers for members, by e-mail.", False),
    ("profiling", "Personal offers", "Offers chosen for you from your purchases, subscription and activity.", False),
    ("analytics", "Product-usage analytics", "How you use the portal, counted to make it better.", False),
]  # fmt: skip


def create(apps, schema_editor):
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


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial"), ("wagtailcore", "0094_alter_page_locale")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
