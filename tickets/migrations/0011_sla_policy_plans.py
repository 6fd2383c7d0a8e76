"""Support owns the link between its SLA policies and membership plans (it was the plan's field)."""

from django.db import migrations, models


def copy_links(apps, schema_editor):
    Plan = apps.get_model("membership", "Plan")
    SLAPolicy = apps.get_model("tickets", "SLAPolicy")
    for plan in Plan.objects.exclude(sla_policy=None):
        SLAPolicy.objects.get(pk=plan.sla_policy_id).plans.add(plan)


def copy_back(apps, schema_editor):
    Plan = apps.get_model("membership", "Plan")
    SLAPolicy = apps.get_model("tickets", "SLAPolicy")
    for policy in SLAPolicy.objects.order_by("-order", "-pk"):
        Plan.objects.filter(pk__in=policy.plans.values("pk")).update(sla_policy=policy)


class Migration(migrations.Migration):
    dependencies = [
        ("membership", "0008_orders_invoices"),
        ("tickets", "0010_own_images_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="slapolicy",
            name="plans",
            field=models.ManyToManyField(
                blank=True,
                help_text="Requests from members of these plans get this policy, whatever the conditions above.",
                related_name="+",
                to="membership.plan",
                verbose_name="for members of these plans",
            ),
        ),
        migrations.RunPython(copy_links, copy_back),
    ]
