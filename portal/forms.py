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

    # An account opened without a password at the hall (a walk-in application) is taken
    # over at registration when name and mobile match what the clerk recorded.
    walk_in_account = None

    def _existing(self, lookup: dict, message):
        account = User.objects.filter(**lookup).first()
        if account is None:
            return
        if account.has_usable_password():
            raise forms.ValidationError(message, code="taken")
        self.walk_in_account = account
        self.instance = account  # validate uniqueness against the account being taken over

    def _check_walk_in(self, name_field: str, account_name: str):
        account = self.walk_in_account
        if account is None:
            return
        data = self.cleaned_data
        if data.get(name_field, "").strip() != account_name or data.get("mobile") != account.mobile:
            raise forms.ValidationError(
                _(
                    "An account for this identity was opened at the hall. To take it over, enter the same name "
                    "and mobile number as given there, or ask at the hall."
                ),
                code="walk_in_mismatch",
            )

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
        self._existing(
            {"id_number": number},
            _("ID number: an account with this ID number already exists; log in or reset its password."),
        )
        return number

    def clean(self):
        data = super().clean()
        if self.walk_in_account is not None:
            self._check_walk_in("real_name", self.walk_in_account.real_name)
        return data


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
        self._existing(
            {"credit_code": code},
            _(
                "Unified social credit code: an account for this enterprise already exists; "
                "log in or reset its password."
            ),
        )
        return code

    def clean(self):
        data = super().clean()
        if self.walk_in_account is not None:
            self._check_walk_in("organization_name", self.walk_in_account.organization_name)
        return data
