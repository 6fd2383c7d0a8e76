"""Copy each request's satisfaction survey into its facts (a migration of its own: PostgreSQL
does not build the new indexes in a transaction that has just updated the rows)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def copy_surveys(apps, schema_editor):
    RequestFacts = apps.get_model("insights", "RequestFacts")
    SatisfactionSurvey = apps.get_model("tickets", "SatisfactionSurvey")
    survey = SatisfactionSurvey.objects.filter(ticket_id=OuterRef("ticket_id"))
    RequestFacts.objects.filter(ticket__survey__isnull=False).update(
        survey_asked_at=Subquery(survey.values("asked_at")[:1]),
        rating=Subquery(survey.values("rating")[:1]),
        rating_reason=Subquery(survey.values("reason")[:1]),
    )
    RequestFacts.objects.exclude(rating="").update(rated_at=Subquery(survey.values("answered_at")[:1]))


class Migration(migrations.Migration):
    dependencies = [("insights", "0005_csat_in_facts"), ("tickets", "0012_suggestions_opened_move_to_search")]

    operations = [migrations.RunPython(copy_surveys, migrations.RunPython.noop)]
