"""Reputation kept on the profile (the sum of the person's community lines in the points ledger)."""

from django.db import migrations, models
from django.db.models import Sum


def backfill(apps, schema_editor):
    Profile = apps.get_model("community", "CommunityProfile")
    Entry = apps.get_model("membership", "PointsEntry")
    totals = Entry.objects.filter(source__startswith="community:").values("user").annotate(total=Sum("points"))
    for row in totals:
        Profile.objects.filter(user_id=row["user"]).update(reputation=row["total"])


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0002_roles_and_badges"),
        ("membership", "0002_pointsentry"),
    ]

    operations = [
        migrations.AddField(
            model_name="communityprofile",
            name="reputation",
            field=models.IntegerField(
                default=0, help_text="Community points in the ledger.", verbose_name="reputation"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
