"""Forms of the portal core: registration, and the plain error messages every public form uses."""

from django import forms
from django.contrib.auth.forms import BaseUserCreationForm
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import User
from .personal_data import exact_q
from .validators import (
    normalize_credit_code,
    normalize_id_number,
    normalize_name,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
    validate_organization_name,
    validate_person_name,
)


class DateInput(forms.DateInput):
    """A browser date picker (``<input type="date">``), whose value is always ISO 8601.

    The browser accepts no other format in ``value``; Django would write the locale's first input
    format (2026/01/01 in Chinese), and the picker would show empty and lose a saved date.
    """

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def plain_error_messages(form: forms.BaseForm) -> None:
    """Give every field of a form error messages in plain words that name the field.

    Django's stock messages ("Ensure this value has at most 50 characters (it has 440).") read
    as machine talk in Chinese; these say what to do ("姓名：最多 50 个字，现在是 440 个。").
    Call it at the end of the form's ``__init__``, once the labels are final.
    """
    for name, field in form.fields.items():
        # A "%" in a label would be read as a placeholder; a required mark is not part of the name.
        label = str(field.label or capfirst(name.replace("_", " "))).removesuffix(" *").replace("%", "％")

        def say(text: str, label=label) -> str:
            return text.replace("%(label)s", label)

        messages = {
            "required": say(gettext("%(label)s: please fill this in.")),
            "max_length": say(gettext("%(label)s: at most %(limit_value)d characters; you entered %(show_value)d.")),
            "min_length": say(gettext("%(label)s: at least %(limit_value)d characters; you entered %(show_value)d.")),
            "invalid_choice": say(gettext("%(label)s: please choose one of the options given.")),
            "min_value": say(gettext("%(label)s: must be at least %(limit_value)s.")),
            "max_value": say(gettext("%(label)s: must be at most %(limit_value)s.")),
        }
        if isinstance(field, forms.EmailField):
            messages["invalid"] = say(gettext("%(label)s: not an e-mail address; it looks like name@example.com."))
        elif isinstance(field, forms.DecimalField | forms.IntegerField | forms.FloatField):
            messages["invalid"] = say(gettext("%(label)s: please enter a number, e.g. 1200.5."))
            for code in ("max_digits", "max_whole_digits"):
                messages[code] = say(gettext("%(label)s: the number is too large."))
            messages["max_decimal_places"] = say(gettext("%(label)s: at most %(max)s digits after the decimal point."))
        elif isinstance(field, forms.DateField):
            messages["invalid"] = say(gettext("%(label)s: please enter a date, e.g. 2025-03-01."))
        field.error_messages.update(messages)


def clean_person_name(value: str) -> str:
    """Return a person's name, normalised, or raise the reason it is not a name."""
    name = normalize_name(value)
    validate_person_name(name)
    return name


def clean_optional_person_name(value: str) -> str:
    """Return a person's name that may be left empty, normalised."""
    name = normalize_name(value)
    if name:
        validate_person_name(name)
    return name


def clean_organization_name(value: str) -> str:
    """Return an enterprise's name, normalised, or raise the reason it is not a name."""
    name = normalize_name(value)
    validate_organization_name(name)
    return name


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
        plain_error_messages(self)
        for name in ("real_name", "organization_name"):
            if name in self.fields:
                # The browser would cut a long name silently; the form says what is wrong instead.
                self.fields[name].widget.attrs.pop("maxlength", None)
        self.error_messages = {
            **self.error_messages,
            "password_mismatch": gettext("The two passwords are not the same; please type the password again."),
        }

    def _update_errors(self, errors: ValidationError) -> None:
        # The account's own checks (User.clean: "ID number: required for a citizen account") see an
        # empty value when the form already refused what was typed; that second message is false.
        if hasattr(errors, "error_dict"):
            for name in list(errors.error_dict):
                if name != NON_FIELD_ERRORS and name in self._errors:
                    del errors.error_dict[name]
            if not errors.error_dict:
                return
            if "username" in errors.error_dict:
                errors.error_dict["username"] = [
                    ValidationError(gettext("Username: already taken; please choose another one."), code="unique")
                    if error.code == "unique"
                    else error
                    for error in errors.error_dict["username"]
                ]
        super()._update_errors(errors)

    # An identity that already has an account is not registered from the form: the view
    # sends a code (an account opened at the hall) or a warning (an account with a password)
    # to the account's mobile on file, and shows the same page for both, so the form never
    # tells whether or how a number is registered.
    existing_account = None
    _hall_record: tuple[str, str] = ("", "")

    def _existing(self, field: str, number: str, name_field: str):
        # Credit codes are public and kept in clear; ID numbers are found by their keyed hash.
        condition = Q(credit_code=number) if field == "credit_code" else exact_q(field, number)
        account = User.objects.filter(condition).first()
        if account is None:
            return
        self.existing_account = account
        # Kept before the form copies what was typed onto the instance below.
        self._hall_record = (getattr(account, name_field), account.mobile)
        self.instance = account  # the username is checked for uniqueness against the other accounts

    @property
    def matches_hall_record(self) -> bool:
        """Whether the name and mobile typed are those recorded for the existing account."""
        if self.existing_account is None:
            return False
        name_field = "organization_name" if self.kind == User.Kind.ENTERPRISE else "real_name"
        typed = (self.cleaned_data.get(name_field, "").strip(), self.cleaned_data.get("mobile", ""))
        name, mobile = self._hall_record
        return bool(name and mobile) and typed == (name, mobile)

    def clean_mobile(self):
        mobile = self.cleaned_data["mobile"].strip()
        validate_mobile(mobile)
        return mobile

    def clean_real_name(self):
        return clean_person_name(self.cleaned_data["real_name"])


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
        self._existing("id_number", number, "real_name")
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
        return clean_organization_name(self.cleaned_data["organization_name"])

    def clean_credit_code(self):
        code = normalize_credit_code(self.cleaned_data["credit_code"])
        validate_credit_code(code)
        self._existing("credit_code", code, "organization_name")
        return code


class TakeoverCodeForm(forms.Form):
    """The 6-digit code texted to the mobile on file of an account opened at the hall."""

    code = forms.CharField(
        label=_("Code"),
        max_length=10,  # room for a space typed in the middle
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plain_error_messages(self)

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise forms.ValidationError(gettext("Code: type the 6 digits of the text message."), code="invalid")
        return code
