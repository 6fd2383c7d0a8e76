"""Let agents and admins record a consent a person gave by phone or mail (roles.py)."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from portal.accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0008_erase_post_text")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
