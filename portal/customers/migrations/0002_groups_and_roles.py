"""The classic RFM groups, and the admins' permissions on them (roles.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from portal.accounts.roles import sync_role_groups
    from portal.customers.defaults import ensure_groups

    ensure_groups(apps)
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
        ("privacy", "0010_accessrecord"),
        ("accounts", "0004_organisation_account_owner"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
