"""Date pickers carry an ISO 8601 value in every language, so a saved date shows and is sent back."""

from datetime import date

import pytest
from django import forms
from django.utils import timezone, translation

from approvals.schema import form_field
from portal.forms import DateInput


class Period(forms.Form):
    start = forms.DateField(widget=DateInput())


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_date_picker_writes_its_value_in_iso_8601(language):
    with translation.override(language):
        html = str(Period(initial={"start": date(2026, 1, 1)})["start"])
    assert 'type="date"' in html and 'value="2026-01-01"' in html


def test_an_application_form_date_shows_the_saved_date_in_chinese():
    field = form_field({"key": "start_date", "label": "计划开工日期", "type": "date", "required": False, "help": ""})
    with translation.override("zh-hans"):
        html = field.widget.render("start_date", date(2026, 3, 9))
    assert 'value="2026-03-09"' in html


@pytest.mark.django_db
def test_the_statistics_period_shows_its_default_dates_in_the_pickers(client):
    page = client.get("/stats/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    year = timezone.localdate().year
    assert f'name="start" value="{year}-01-01"' in page
