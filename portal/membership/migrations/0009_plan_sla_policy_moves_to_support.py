"""The plan's SLA policy is now kept by support (tickets.SLAPolicy.plans), copied there first."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("membership", "0008_orders_invoices"),
        ("tickets", "0011_sla_policy_plans"),
    ]

    operations = [
        migrations.RemoveField(model_name="plan", name="sla_policy"),
    ]
