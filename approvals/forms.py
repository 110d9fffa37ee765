"""Forms of the online hall: the catalogue filters, the application form, tracking."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import (
    clean_optional_person_name,
    clean_organization_name,
    clean_person_name,
    plain_error_messages,
)
from portal.models import Department, District
from portal.validators import (
    normalize_credit_code,
    normalize_id_number,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)

from . import schema
from .models import Application, ClockPause, ServiceItem
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
    agent_name = forms.CharField(label=_("Authorised agent (optional)"), max_length=50, required=False)
    agent_id_number = forms.CharField(
        label=_("Agent's ID number"),
        max_length=18,
        required=False,
        help_text=_("The agent may collect the certificate at the hall with this ID card."),
    )

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
        plain_error_messages(self)

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
            "agent_name",
            "agent_id_number",
        ):
            initial[name] = getattr(application, name)
        return initial

    def clean_agent_id_number(self):
        number = normalize_id_number(self.cleaned_data.get("agent_id_number", ""))
        if number:
            validate_id_number(number)
        return number

    def clean_contact_name(self):
        return clean_optional_person_name(self.cleaned_data["contact_name"])

    def clean_delivery_name(self):
        return clean_optional_person_name(self.cleaned_data.get("delivery_name", ""))

    def clean_agent_name(self):
        return clean_optional_person_name(self.cleaned_data["agent_name"])

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
            agent_name=data.get("agent_name", "").strip(),
            agent_id_number=data.get("agent_id_number", ""),
        )


class TrackForm(forms.Form):
    reference = forms.CharField(label=_("Reference number"), max_length=64)
    id_tail = forms.CharField(
        label=_("Last 6 characters of the applicant's ID number or credit code"), min_length=6, max_length=6
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plain_error_messages(self)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plain_error_messages(self)


# --- staff forms (admin) -------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        max_length=2000,
        help_text=_("Stated to the applicant in the decision, together with the legal remedy."),
    )


class SuspendForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ClockPause.Kind.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3, "cols": 80}), max_length=1000)
    expected_days = forms.IntegerField(label=_("Expected working days"), min_value=1, max_value=365)


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the extension"), widget=forms.Textarea(attrs={"rows": 3, "cols": 80}), max_length=1000
    )
    approved_by = forms.CharField(
        label=_("Approved by (head of department)"), max_length=100, help_text=_("e.g. 局长 王某")
    )


class CorrectionRowForm(forms.Form):
    target = forms.ChoiceField(label=_("Material or field"), required=False)
    reason = forms.CharField(
        label=_("What is wrong and how to correct it"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
    )

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", "---------"), *targets]
        plain_error_messages(self)

    def clean(self):
        data = super().clean()
        if bool(data.get("target")) != bool((data.get("reason") or "").strip()):
            raise forms.ValidationError(_("Give both the material or field and the reason, or leave the row empty."))
        return data


class BaseCorrectionFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not any(form.cleaned_data.get("target") for form in self.forms):
            raise forms.ValidationError(_("List at least one material or field with its reason."))


CorrectionFormSet = forms.formset_factory(CorrectionRowForm, formset=BaseCorrectionFormSet, extra=6, max_num=30)


def correction_targets(item: ServiceItem) -> list[tuple[str, list[tuple[str, str]]]]:
    """Return the choices of a correction row: the item's materials and extra fields, in two groups."""
    groups = [
        (_("Materials"), [(f"m:{m.pk}", m.name) for m in item.materials.all()]),
        (_("Form fields"), [(f"f:{f['key']}", f["label"]) for f in item.extra_fields]),
    ]
    return [(label, choices) for label, choices in groups if choices]


class WalkInForm(forms.Form):
    """Step 1 of a walk-in application: the item and who the visitor is."""

    item = forms.ModelChoiceField(
        label=_("Service item"),
        queryset=ServiceItem.objects.filter(is_active=True).select_related("department"),
    )
    applicant_kind = forms.ChoiceField(
        label=_("Applicant"),
        choices=[("citizen", _("Citizen")), ("enterprise", _("Enterprise"))],
        widget=forms.RadioSelect,
        initial="citizen",
    )
    id_number = forms.CharField(label=_("ID number or unified social credit code"), max_length=18)
    name = forms.CharField(label=_("Name or enterprise name"), max_length=200)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    mobile = forms.CharField(label=_("Mobile number"), max_length=11)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plain_error_messages(self)

    def clean_contact_name(self):
        return clean_optional_person_name(self.cleaned_data["contact_name"])

    def clean_mobile(self):
        value = self.cleaned_data["mobile"].strip()
        validate_mobile(value)
        return value

    def clean(self):
        data = super().clean()
        number = data.get("id_number", "")
        try:
            if data.get("applicant_kind") == "enterprise":
                data["id_number"] = normalize_credit_code(number)
                validate_credit_code(data["id_number"])
            else:
                data["id_number"] = normalize_id_number(number)
                validate_id_number(data["id_number"])
        except forms.ValidationError as error:
            self.add_error("id_number", error)
        if "name" in data:
            # A person's name is kept in a 50-character field; an enterprise's follows its licence.
            clean_name = clean_organization_name if data.get("applicant_kind") == "enterprise" else clean_person_name
            try:
                data["name"] = clean_name(data["name"])
            except forms.ValidationError as error:
                self.add_error("name", error)
        return data
