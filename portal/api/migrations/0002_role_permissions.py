"""Let admins manage webhooks, OAuth apps and sign-in providers (portal/accounts/roles.py)."""

from django.db import migrations


def sync_roles(apps, schema_editor):
    from portal.accounts.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("oauth2_provider", "0022_refreshtoken_token_family_index"),
        ("socialaccount", "0006_alter_socialaccount_extra_data"),
        ("membership", "0009_plan_sla_policy_moves_to_support"),
        ("privacy", "0010_accessrecord"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
