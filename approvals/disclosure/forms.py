"""The public search of published decisions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import DateInput
from portal.models import Department

from .selectors import Search


class DisclosureSearchForm(forms.Form):
    name = forms.CharField(label=_("Holder name"), max_length=100, required=False)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=30, required=False)
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=60, required=False)
    item = forms.CharField(label=_("Item (name or code)"), max_length=100, required=False)
    department = forms.TypedChoiceField(label=_("Department"), coerce=int, empty_value=None, required=False)
    date_from = forms.DateField(label=_("Decided from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Decided until"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One query, as a list: a model choice field would also count the departments when rendered.
        departments = Department.objects.order_by("sort_order", "code").values_list("pk", "name")
        self.fields["department"].choices = [("", _("All departments")), *departments]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        return cleaned

    def search(self) -> Search:
        """Return the search the valid fields ask for (a field in error does not filter)."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return Search(
            name=data.get("name") or "",
            credit_code=data.get("credit_code") or "",
            certificate_number=data.get("certificate_number") or "",
            item=data.get("item") or "",
            department_id=data.get("department") if "department" not in self.errors else None,
            date_from=data.get("date_from") if "date_from" not in self.errors else None,
            date_to=data.get("date_to") if "date_to" not in self.errors else None,
        )
