"""The period form of the statistics page."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.forms import DateInput


class PeriodForm(forms.Form):
    """Any period of local days; empty fields mean this year so far."""

    start = forms.DateField(label=pgettext_lazy("period", "From"), required=False, widget=DateInput())
    end = forms.DateField(label=pgettext_lazy("period", "to"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        start = data.get("start") or date(today.year, 1, 1)
        end = data.get("end") or today
        if start > end:
            raise forms.ValidationError(_("The period's first day must not be after its last day."))
        if start > today:
            raise forms.ValidationError(_("The period must start today or earlier."))
        data["start"], data["end"] = start, min(end, today)
        return data

    @staticmethod
    def default_period() -> tuple[date, date]:
        today = timezone.localdate()
        return date(today.year, 1, 1), today
