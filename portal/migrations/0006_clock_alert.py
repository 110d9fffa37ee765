from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("portal", "0005_notification_sending")]

    operations = [
        migrations.CreateModel(
            name="ClockAlert",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "clock",
                    models.CharField(
                        help_text="The name the clock was registered with.", max_length=40, verbose_name="clock"
                    ),
                ),
                ("object_id", models.PositiveBigIntegerField(verbose_name="object")),
                (
                    "level",
                    models.CharField(
                        choices=[("normal", "On time"), ("warning", "Due soon"), ("overdue", "Overdue")],
                        max_length=10,
                        verbose_name="level",
                    ),
                ),
                ("deadline", models.DateTimeField(verbose_name="deadline")),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="raised")),
            ],
            options={
                "verbose_name": "deadline alert",
                "verbose_name_plural": "deadline alerts",
                "ordering": ["-created_at"],
                "constraints": [
                    models.UniqueConstraint(fields=("clock", "object_id", "level"), name="portal_clock_alert_once")
                ],
            },
        ),
    ]
