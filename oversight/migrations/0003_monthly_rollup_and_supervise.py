"""The monthly roll-up of the statistics, the month on each daily row, and the supervision permission.

The snapshot is derived data: it is emptied here and rebuilt whole by the next refresh (the beat's
``stats-refresh``, or ``manage.py stats_rebuild`` at once), which fills the new month column and
the roll-up. Supervisors (效能监察) get ``oversight.supervise``.
"""

import datetime

import django.db.models.deletion
from django.db import migrations, models

from portal.migration_helpers import grant_role_permissions, revoke_role_permissions

ROLE_PERMISSIONS = {"效能监察": ["supervise"]}


def empty_snapshot(apps, schema_editor):
    apps.get_model("oversight", "DailyFigures").objects.all().delete()
    apps.get_model("oversight", "SnapshotState").objects.update(built_through=None, built_at=None)


def grant(apps, schema_editor):
    grant_role_permissions(apps, "oversight", ROLE_PERMISSIONS)


def revoke(apps, schema_editor):
    revoke_role_permissions(apps, "oversight", ROLE_PERMISSIONS)


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0011_disclosure_due_level'),
        ('oversight', '0002_live_day_indexes'),
        ('portal', '0014_staff_number_and_alert_rounds'),
    ]

    operations = [
        migrations.CreateModel(
            name='Supervision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ],
            options={
                'verbose_name': 'electronic supervision',
                'verbose_name_plural': 'electronic supervision',
                'permissions': [('supervise', 'Can use electronic supervision (dashboard, cases, exports, reports)')],
                'managed': False,
                'default_permissions': (),
            },
        ),
        migrations.RunPython(empty_snapshot, migrations.RunPython.noop),
        migrations.AddField(
            model_name='dailyfigures',
            name='month',
            field=models.DateField(default=datetime.date(2000, 1, 1), verbose_name='month'),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name='MonthlyFigures',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('received', models.PositiveIntegerField(default=0, verbose_name='received')),
                ('received_online', models.PositiveIntegerField(default=0, verbose_name='received online')),
                ('accepted', models.PositiveIntegerField(default=0, verbose_name='accepted')),
                ('auto_accepted', models.PositiveIntegerField(default=0, verbose_name='accepted automatically')),
                ('concluded', models.PositiveIntegerField(default=0, verbose_name='concluded')),
                ('on_time', models.PositiveIntegerField(default=0, verbose_name='concluded within the promised limit')),
                ('taken_days', models.PositiveIntegerField(default=0, verbose_name='working days taken')),
                ('speedup_sum', models.FloatField(default=0, verbose_name='sum of speed-ups')),
                ('certificates_issued', models.PositiveIntegerField(default=0, verbose_name='certificates issued')),
                ('delivered_free', models.PositiveIntegerField(default=0, verbose_name='certificates delivered free')),
                ('questions_replied', models.PositiveIntegerField(default=0, verbose_name='questions answered')),
                ('questions_replied_on_time', models.PositiveIntegerField(default=0, verbose_name='questions answered within the limit')),
                ('appointments_served', models.PositiveIntegerField(default=0, verbose_name='appointments served')),
                ('appointments_no_show', models.PositiveIntegerField(default=0, verbose_name='no-shows')),
                ('ratings_counted', models.PositiveIntegerField(default=0, verbose_name='ratings counted')),
                ('ratings_good', models.PositiveIntegerField(default=0, verbose_name='good ratings')),
                ('month', models.DateField(verbose_name='month')),
                ('department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='portal.department', verbose_name='department')),
                ('item', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='approvals.serviceitem', verbose_name='item')),
            ],
            options={
                'verbose_name': 'monthly figures',
                'verbose_name_plural': 'monthly figures',
                'ordering': ['month', 'department', 'item'],
                'indexes': [models.Index(fields=['month'], name='oversight_stats_month_idx')],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
