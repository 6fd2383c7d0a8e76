"""Moderators and admins get the community's permissions; a fresh community has its badges."""

from django.db import migrations


def forwards(apps, schema_editor):
    from community.badges import create_default_badges
    from portal.accounts.roles import sync_role_groups

    sync_role_groups(apps)
    create_default_badges(apps.get_model("community", "Badge"))


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0001_initial"),
        ("portal_search", "0004_title_vector"),
        ("tickets", "0002_role_permissions"),
        ("membership", "0002_pointsentry"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
