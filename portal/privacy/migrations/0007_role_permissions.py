"""Let agents record data-subject requests and admins handle them and edit purposes (roles.py)."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from portal.accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0006_data_subject_requests")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
