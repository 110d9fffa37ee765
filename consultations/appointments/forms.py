"""Forms of the appointment pages: booking a time, changing it, cancelling from a link."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class BookForm(forms.Form):
    """The time chosen (a slot), with the item or application the booking is for."""

    slot = forms.IntegerField(min_value=1, error_messages={"required": _("Choose a time.")})
    item = forms.CharField(max_length=32, required=False)
    application = forms.CharField(max_length=64, required=False)


class ChangeForm(forms.Form):
    """The holder's action on their appointment: cancel it, or move it to another time."""

    action = forms.ChoiceField(choices=[("cancel", "cancel"), ("change", "change")])
    slot = forms.IntegerField(min_value=1, required=False)

    def clean(self):
        data = super().clean()
        if data.get("action") == "change" and not data.get("slot"):
            raise forms.ValidationError(_("Choose the new time."))
        return data


class CancelByCodeForm(forms.Form):
    """The last four characters of the holder's ID number, to cancel from a link."""

    id_tail = forms.CharField(
        label=_("Last four characters of the ID number (or credit code)"),
        min_length=4,
        max_length=4,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "autocapitalize": "characters"}),
    )

    def clean_id_tail(self) -> str:
        return self.cleaned_data["id_tail"].upper()
