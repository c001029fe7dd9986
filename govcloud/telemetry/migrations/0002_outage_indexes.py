"""Partial indexes of the hours with downtime, so that outages do not scan every hour."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("telemetry", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="hosthourly",
            index=models.Index(condition=models.Q(("first_down_at__isnull", False)),
                               fields=["host", "hour"], name="host_hourly_down"),
        ),
        migrations.AddIndex(
            model_name="probehourly",
            index=models.Index(condition=models.Q(("first_down_at__isnull", False)),
                               fields=["endpoint", "hour"], name="probe_hourly_down"),
        ),
    ]
