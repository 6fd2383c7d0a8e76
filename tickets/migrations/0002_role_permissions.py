"""Give agents and admins their support permissions (see portal/accounts/roles.py)."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from portal.accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0001_initial"),
        ("knowledge_base", "0004_role_permissions"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
