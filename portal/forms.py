"""Forms of the portal core: registration."""

from django import forms
from django.contrib.auth.forms import BaseUserCreationForm
from django.utils.translation import gettext_lazy as _

from .models import User
from .validators import (
    normalize_credit_code,
    normalize_id_number,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)


class RegistrationForm(BaseUserCreationForm):
    """Fields every public account has; subclasses add the identity of the person or enterprise."""

    kind = User.Kind.CITIZEN

    class Meta:
        model = User
        fields = ["username", "real_name", "mobile", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.kind = self.kind
        for name in ("real_name", "mobile", "email"):
            self.fields[name].required = True
        self.fields["mobile"].widget.attrs.update(inputmode="numeric", autocomplete="tel")
        self.fields["email"].help_text = _("Used to reset your password and to send you notices.")

    def clean_mobile(self):
        mobile = self.cleaned_data["mobile"].strip()
        validate_mobile(mobile)
        return mobile

    def clean_real_name(self):
        return self.cleaned_data["real_name"].strip()


class CitizenRegistrationForm(RegistrationForm):
    class Meta(RegistrationForm.Meta):
        fields = ["username", "real_name", "id_number", "mobile", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["id_number"].required = True
        self.fields["id_number"].help_text = _("18 characters, as printed on your resident identity card.")

    def clean_id_number(self):
        number = normalize_id_number(self.cleaned_data["id_number"])
        validate_id_number(number)
        if User.objects.filter(id_number=number).exists():
            raise forms.ValidationError(
                _("ID number: an account with this ID number already exists; log in or reset its password."),
                code="id_taken",
            )
        return number


class EnterpriseRegistrationForm(RegistrationForm):
    kind = User.Kind.ENTERPRISE

    class Meta(RegistrationForm.Meta):
        fields = ["username", "organization_name", "credit_code", "real_name", "mobile", "email"]
        labels = {"real_name": _("contact person")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization_name"].required = True
        self.fields["credit_code"].required = True
        self.fields["credit_code"].help_text = _("18 characters, as printed on the business licence.")
        self.fields["real_name"].help_text = _("The person we contact about the enterprise's applications.")

    def clean_organization_name(self):
        return self.cleaned_data["organization_name"].strip()

    def clean_credit_code(self):
        code = normalize_credit_code(self.cleaned_data["credit_code"])
        validate_credit_code(code)
        if User.objects.filter(credit_code=code).exists():
            raise forms.ValidationError(
                _(
                    "Unified social credit code: an account for this enterprise already exists; "
                    "log in or reset its password."
                ),
                code="credit_code_taken",
            )
        return code
