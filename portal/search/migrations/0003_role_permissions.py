"""Let editors and admins read the search terms report (see portal/accounts/roles.py)."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from portal.accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("portal_search", "0002_full_text_index"),
        ("tickets", "0002_role_permissions"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
