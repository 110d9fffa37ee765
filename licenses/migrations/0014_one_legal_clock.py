"""The print jobs' level in the core's vocabulary; their alerts move to the core's one alert table."""

from django.db import migrations, models


def alerts_to_core(apps, schema_editor):
    PrintJobAlert = apps.get_model("licenses", "PrintJobAlert")
    ClockAlert = apps.get_model("portal", "ClockAlert")
    for alert in PrintJobAlert.objects.select_related("job").iterator():
        copy, _ = ClockAlert.objects.get_or_create(
            clock="print_jobs", object_id=alert.job_id, level=alert.level, defaults={"deadline": alert.job.due_at}
        )
        ClockAlert.objects.filter(pk=copy.pk).update(created_at=alert.created_at)


def alerts_back(apps, schema_editor):
    PrintJobAlert = apps.get_model("licenses", "PrintJobAlert")
    ClockAlert = apps.get_model("portal", "ClockAlert")
    PrintJob = apps.get_model("licenses", "PrintJob")
    # The core's alerts outlive their object; the old table could not: restore only those of live rows.
    alerts = ClockAlert.objects.filter(clock="print_jobs", object_id__in=PrintJob.objects.values("pk"))
    for alert in alerts.iterator():
        copy, _ = PrintJobAlert.objects.get_or_create(job_id=alert.object_id, level=alert.level)
        PrintJobAlert.objects.filter(pk=copy.pk).update(created_at=alert.created_at)


class Migration(migrations.Migration):
    dependencies = [
        ("licenses", "0013_print_deadline_alerts"),
        ("portal", "0006_clock_alert"),
    ]

    operations = [
        migrations.RenameField(model_name="printjob", old_name="sla_level", new_name="due_level"),
        migrations.AlterField(
            model_name="printjob",
            name="due_level",
            field=models.CharField(
                choices=[("normal", "On time"), ("warning", "Due soon"), ("overdue", "Overdue")],
                db_index=True,
                default="normal",
                max_length=10,
                verbose_name="time-limit status",
            ),
        ),
        migrations.AddIndex(
            model_name="printjob",
            index=models.Index(fields=["due_level", "due_at"], name="licenses_printjob_due_idx"),
        ),
        migrations.RunPython(alerts_to_core, alerts_back),
        migrations.DeleteModel(name="PrintJobAlert"),
    ]
