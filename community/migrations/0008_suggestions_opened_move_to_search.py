"""Suggestions opened are kept by search now (portal_search 0005 copied them there)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portal_search", "0005_suggestion_opened"),
        ("community", "0007_own_images_only"),
    ]

    operations = [
        migrations.DeleteModel(
            name="SuggestionOpened",
        ),
    ]
