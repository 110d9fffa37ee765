"""Deadline fields named for what they hold; the applications' alerts move to the core's one alert table."""

from django.db import migrations, models


def alerts_to_core(apps, schema_editor):
    SlaAlert = apps.get_model("approvals", "SlaAlert")
    ClockAlert = apps.get_model("portal", "ClockAlert")
    for alert in SlaAlert.objects.iterator():
        copy, _ = ClockAlert.objects.get_or_create(
            clock="applications",
            object_id=alert.application_id,
            level=alert.level,
            defaults={"deadline": alert.deadline},
        )
        # auto_now_add stamped the copy with today: keep when the alert was really raised.
        ClockAlert.objects.filter(pk=copy.pk).update(created_at=alert.created_at)


def alerts_back(apps, schema_editor):
    SlaAlert = apps.get_model("approvals", "SlaAlert")
    ClockAlert = apps.get_model("portal", "ClockAlert")
    Application = apps.get_model("approvals", "Application")
    # The core's alerts outlive their object; the old table could not: restore only those of live rows.
    alerts = ClockAlert.objects.filter(clock="applications", object_id__in=Application.objects.values("pk"))
    for alert in alerts.iterator():
        copy, _ = SlaAlert.objects.get_or_create(
            application_id=alert.object_id, level=alert.level, defaults={"deadline": alert.deadline}
        )
        SlaAlert.objects.filter(pk=copy.pk).update(created_at=alert.created_at)


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0006_authorised_agent"),
        ("portal", "0006_clock_alert"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="application", name="approvals_app_sla_idx"),
        migrations.RemoveIndex(model_name="application", name="approvals_app_intake_idx"),
        migrations.RenameField(model_name="application", old_name="due_at", new_name="promised_due_at"),
        migrations.RenameField(model_name="application", old_name="sla_due_at", new_name="current_due_at"),
        migrations.RenameField(model_name="application", old_name="sla_level", new_name="due_level"),
        migrations.AlterField(
            model_name="application",
            name="current_due_at",
            field=models.DateTimeField(
                blank=True,
                help_text="The deadline the case is held to now; empty while the clock is paused or stopped.",
                null=True,
                verbose_name="current deadline",
            ),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["due_level", "current_due_at"], name="approvals_app_due_idx"),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["state", "current_due_at"], name="approvals_app_intake_idx"),
        ),
        migrations.RunPython(alerts_to_core, alerts_back),
        migrations.DeleteModel(name="SlaAlert"),
    ]
