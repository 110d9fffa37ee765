"""The supervisors' filters: a period of days, a department's month."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.forms import DateInput
from portal.models import Department

from .selectors import Period


class PeriodForm(forms.Form):
    start = forms.DateField(label=pgettext_lazy("period", "From"), required=False, widget=DateInput())
    end = forms.DateField(label=pgettext_lazy("period", "to"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

    def period(self) -> Period:
        """Return the period chosen (unbounded when nothing or something invalid was given)."""
        if self.is_bound and self.is_valid():
            return Period(start=self.cleaned_data["start"], end=self.cleaned_data["end"])
        return Period()


def _last_month() -> str:
    first = timezone.localdate().replace(day=1)
    previous = first.fromordinal(first.toordinal() - 1)
    return f"{previous:%Y-%m}"


class MonthlyReportForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.filter(is_active=True), empty_label=_("Choose a department")
    )
    month = forms.RegexField(
        label=_("Month"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        initial=_last_month,
        widget=forms.TextInput(attrs={"type": "month"}),
        error_messages={"invalid": _("Enter a month as YYYY-MM.")},
    )

    def year_month(self) -> tuple[int, int]:
        year, month = self.cleaned_data["month"].split("-")
        return int(year), int(month)
