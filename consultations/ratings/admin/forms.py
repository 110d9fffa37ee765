"""The forms of the rectification steps, cleaned to what their services take."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import plain_error_messages

from ..models import Rectification

CHANNELS = {
    "phone": _("Phone"),
    "sms": _("Text message"),
    "visit": _("Visit"),
    "other": _("Other"),
}


class VisitForm(forms.Form):
    channel = forms.ChoiceField(label=_("How the rater was contacted"), choices=list(CHANNELS.items()))
    notes = forms.CharField(label=_("What was said"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plain_error_messages(self)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Rectification.Outcome.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("What was done, or why"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The rater is told the outcome and this text."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plain_error_messages(self)
