"""The rating form of the public side: a level, optional tags and comment, and the rater's two choices."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import TAGS, Level5

COMMENT_MAX_LENGTH = 1000


class RatingForm(forms.Form):
    """Rate one service: one of the five levels, then, if the rater wishes, tags, a comment and two consents."""

    level = forms.TypedChoiceField(
        label=_("How satisfied are you with this service?"),
        choices=Level5.choices,
        coerce=int,
        # Drawn as five full-width buttons (templates/consultations/ratings/rate.html), easy to hit by thumb.
        widget=forms.RadioSelect(attrs={"class": "btn-check", "autocomplete": "off"}),
        error_messages={"required": _("Choose one of the five levels.")},
    )
    tags = forms.MultipleChoiceField(
        label=_("What it is about (optional)"),
        choices=list(TAGS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "btn-check", "autocomplete": "off"}),
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    anonymous = forms.BooleanField(
        label=_("Rate anonymously toward the staff"),
        required=False,
        help_text=_(
            "The department sees your rating but not who gave it, except on a bad review: "
            "then it needs your contact to call you back."
        ),
    )
    comment_public = forms.BooleanField(
        label=_("My comment may be published"),
        required=False,
        help_text=_("Published on the results page without your name or any personal details."),
    )

    def clean_comment(self) -> str:
        return self.cleaned_data["comment"].strip()


class VerdictForm(forms.Form):
    """The rater's answer to the outcome of a rectification: satisfied or not."""

    satisfied = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        error_messages={"required": _("Say whether you are satisfied with the outcome.")},
    )
