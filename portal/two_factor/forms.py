"""The one-field forms of the second-factor step."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import normalize_code


class EnrolmentForm(forms.Form):
    """The first code the new authenticator shows, proving it holds the secret."""

    code = forms.CharField(
        label=_("6-digit code shown in the app"),
        max_length=10,
        widget=forms.TextInput(
            # No autofocus: on a phone the keyboard would cover the QR code and the key above.
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )

    def clean_code(self):
        code = normalize_code(self.cleaned_data["code"])
        if not (len(code) == 6 and code.isdigit()):
            raise forms.ValidationError(_("Type the 6 digits the authenticator app shows now."))
        return code


class VerificationForm(forms.Form):
    """A code from the authenticator app, or one of the recovery codes."""

    code = forms.CharField(
        label=_("6-digit code or recovery code"),
        max_length=40,
        help_text=_("Type the 6 digits the authenticator app shows for this account, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "off"}),
    )

    def clean_code(self):
        code = normalize_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(_("Type the code."))
        return code
