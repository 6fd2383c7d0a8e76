"""The purposes every portal starts with (portal/privacy/defaults.py)."""

from django.db import migrations


def create(apps, schema_editor):
    from portal.privacy.defaults import ensure_purposes

    ensure_purposes(apps)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial"), ("wagtailcore", "0094_alter_page_locale")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
