"""Suggestions opened are kept by search now (portal_search 0005 copied them there)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portal_search", "0005_suggestion_opened"),
        ("tickets", "0011_sla_policy_plans"),
    ]

    operations = [
        migrations.DeleteModel(
            name="Deflection",
        ),
    ]
