"""Names stored before bidirectional controls and line breaks were removed on the way in."""

from django.db import migrations

from portal.text import single_line

FIELDS = ("display_name", "first_name", "last_name")


def clean_names(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.only("pk", *FIELDS).iterator():
        cleaned = {name: single_line(getattr(user, name)) for name in FIELDS}
        if any(cleaned[name] != getattr(user, name) for name in FIELDS):
            User.objects.filter(pk=user.pk).update(**cleaned)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_roles")]

    operations = [migrations.RunPython(clean_names, migrations.RunPython.noop, elidable=True)]
