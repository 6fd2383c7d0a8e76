"""One record of suggestions opened, for support and the community alike (they kept one each)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from tickets.models import format_reference  # a pure function of the number


def copy_opened(apps, schema_editor):
    SuggestionOpened = apps.get_model("portal_search", "SuggestionOpened")
    Deflection = apps.get_model("tickets", "Deflection")
    CommunityOpened = apps.get_model("community", "SuggestionOpened")
    rows = []
    for old in Deflection.objects.select_related("filed_ticket"):
        ticket = old.filed_ticket
        rows.append(
            SuggestionOpened(
                area="support",
                session_key=old.session_key,
                user_id=old.user_id,
                query=old.query,
                title=old.title,
                url=old.url,
                kind=old.kind,
                opened_at=old.opened_at,
                followed_up=format_reference(ticket.number) if ticket else "",
                followed_up_at=ticket.created_at if ticket else None,
            )
        )
    for old in CommunityOpened.objects.select_related("posted_topic"):
        topic = old.posted_topic
        rows.append(
            SuggestionOpened(
                area="community",
                session_key=old.session_key,
                user_id=old.user_id,
                query=old.query,
                title=old.title,
                url=old.url,
                kind=old.kind,
                opened_at=old.opened_at,
                followed_up=f"#{topic.pk}" if topic else "",
                followed_up_at=topic.created_at if topic else None,
            )
        )
    SuggestionOpened.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("portal_search", "0004_title_vector"),
        ("tickets", "0011_sla_policy_plans"),
        ("community", "0007_own_images_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SuggestionOpened",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "area",
                    models.CharField(
                        choices=[("support", "support request"), ("community", "community topic")],
                        db_index=True,
                        max_length=20,
                        verbose_name="written",
                    ),
                ),
                ("session_key", models.CharField(db_index=True, max_length=40)),
                ("query", models.CharField(max_length=200, verbose_name="typed")),
                ("title", models.CharField(max_length=255, verbose_name="title")),
                ("url", models.CharField(max_length=500)),
                ("kind", models.CharField(max_length=20)),
                ("opened_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                (
                    "followed_up",
                    models.CharField(
                        blank=True,
                        help_text="The request's reference or the topic's number.",
                        max_length=40,
                        verbose_name="filed afterwards",
                    ),
                ),
                ("followed_up_at", models.DateTimeField(blank=True, null=True)),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "suggestion opened",
                "verbose_name_plural": "suggestions opened",
                "ordering": ["-opened_at"],
            },
        ),
        migrations.RunPython(copy_opened, migrations.RunPython.noop),
    ]
