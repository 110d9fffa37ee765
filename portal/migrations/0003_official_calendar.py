"""Load the official working-day calendar for every year chinesecalendar knows."""

from django.db import migrations


def load_calendar(apps, schema_editor):
    from portal.services import calendar_load_official

    calendar_load_official(model=apps.get_model("portal", "CalendarDay"))


def unload_calendar(apps, schema_editor):
    apps.get_model("portal", "CalendarDay").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_roles")]

    operations = [migrations.RunPython(load_calendar, unload_calendar)]
