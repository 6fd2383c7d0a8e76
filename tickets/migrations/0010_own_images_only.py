"""Requests and messages rendered before images from other servers became links."""

from django.db import migrations

from portal.markdown import own_images_only


def relink(apps, schema_editor):
    for model, field in (("Message", "body_html"), ("Ticket", "description_html")):
        Model = apps.get_model("tickets", model)
        rows = Model.objects.filter(**{f"{field}__icontains": "<img"}).only("pk", field)
        for row in rows.iterator():
            cleaned = own_images_only(getattr(row, field))
            if cleaned != getattr(row, field):
                Model.objects.filter(pk=row.pk).update(**{field: cleaned})


class Migration(migrations.Migration):
    dependencies = [("tickets", "0009_requests_per_hour")]

    operations = [migrations.RunPython(relink, migrations.RunPython.noop, elidable=True)]
