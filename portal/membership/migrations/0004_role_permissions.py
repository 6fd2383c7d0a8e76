"""Admins manage tiers and benefits (see portal/accounts/roles.py)."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from portal.accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("membership", "0003_tiers_and_benefits"),
        ("community", "0004_post_images"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
