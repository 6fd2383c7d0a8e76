"""Let admins see every queue's and agent's insights (see portal/accounts/roles.py)."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from portal.accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [("insights", "0001_initial")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
