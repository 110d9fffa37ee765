"""Forms of the online hall: the catalogue filters, the application form, tracking."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import Department, District
from portal.validators import validate_mobile

from . import schema
from .models import Application, ServiceItem
from .services import DraftData

FIELD_PREFIX = "f_"


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    department = forms.ChoiceField(label=_("Department"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *ServiceItem.Kind.choices])
    depth = forms.ChoiceField(
        label=_("Online depth"),
        required=False,
        choices=[("", _("All levels")), *[(str(v), label) for v, label in ServiceItem.Depth.choices]],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("All departments"))] + [
            (d.code, d.name) for d in Department.objects.filter(is_active=True)
        ]
        self.fields["district"].choices = [("", _("City and all districts")), ("city", _("City level"))] + [
            (d.code, d.name) for d in District.objects.all()
        ]


def _optional_mobile(value: str) -> str:
    value = (value or "").strip()
    if value:
        validate_mobile(value)
    return value


class ApplicationForm(forms.Form):
    """The applicant's part of an application: extra fields, contact and delivery.

    Nothing is required here, so a draft can be saved half done; completeness is checked
    when the applicant submits (services.application_missing lists everything at once).
    """

    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    delivery_method = forms.ChoiceField(
        label=_("How you receive the result"),
        choices=Application.Delivery.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    delivery_name = forms.CharField(label=_("Recipient"), max_length=50, required=False)
    delivery_phone = forms.CharField(label=_("Recipient phone"), max_length=20, required=False)
    delivery_address = forms.CharField(label=_("Delivery address"), max_length=300, required=False)

    def __init__(self, *args, item: ServiceItem, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.schema_fields = []
        for field in item.extra_fields:
            form_field = schema.form_field(field)
            # A required mark guides the applicant; the check happens at submission.
            form_field.required = False
            if field.get("required"):
                form_field.widget.attrs["data-required"] = "1"
                form_field.label = f"{field['label']} *"
            self.fields[FIELD_PREFIX + field["key"]] = form_field
            self.schema_fields.append(field)
        self.fields["contact_phone"].widget.attrs.update(inputmode="numeric")
        self.fields["delivery_phone"].widget.attrs.update(inputmode="numeric")
        if item.online_depth != 4:
            # Level 3: one visit to collect the result at the hall.
            del self.fields["delivery_method"]
            for name in ("delivery_name", "delivery_phone", "delivery_address"):
                del self.fields[name]

    @classmethod
    def initial_for(cls, application: Application) -> dict:
        initial = {FIELD_PREFIX + key: value for key, value in application.form_data.items()}
        for name in (
            "contact_name",
            "contact_phone",
            "delivery_method",
            "delivery_name",
            "delivery_phone",
            "delivery_address",
        ):
            initial[name] = getattr(application, name)
        return initial

    def clean_contact_phone(self):
        return _optional_mobile(self.cleaned_data["contact_phone"])

    def clean_delivery_phone(self):
        return _optional_mobile(self.cleaned_data.get("delivery_phone", ""))

    def extra_field_names(self) -> list[str]:
        return [FIELD_PREFIX + f["key"] for f in self.schema_fields]

    def draft_data(self) -> DraftData:
        data = self.cleaned_data
        form_data = {f["key"]: schema.to_json(f, data.get(FIELD_PREFIX + f["key"])) for f in self.schema_fields}
        return DraftData(
            form_data=form_data,
            contact_name=data.get("contact_name", "").strip(),
            contact_phone=data.get("contact_phone", ""),
            delivery_method=data.get("delivery_method", ""),
            delivery_name=data.get("delivery_name", "").strip(),
            delivery_phone=data.get("delivery_phone", ""),
            delivery_address=data.get("delivery_address", "").strip(),
        )


class TrackForm(forms.Form):
    reference = forms.CharField(label=_("Reference number"), max_length=64)
    id_tail = forms.CharField(
        label=_("Last 6 characters of the applicant's ID number or credit code"), min_length=6, max_length=6
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
