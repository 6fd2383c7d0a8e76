"""Subjects stored before line breaks and bidirectional controls were removed on the way in."""

from django.db import migrations

from portal.text import single_line


def clean_subjects(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    for ticket in Ticket.objects.only("pk", "subject").iterator():
        cleaned = single_line(ticket.subject) or "—"
        if cleaned != ticket.subject:
            Ticket.objects.filter(pk=ticket.pk).update(subject=cleaned)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0005_request_site")]

    operations = [migrations.RunPython(clean_subjects, migrations.RunPython.noop, elidable=True)]
