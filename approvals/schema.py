"""The extra-field schema of a service item: validation, and a form built from it.

A schema is a list of fields, each ``{"key", "label", "type", "required", "help",
"choices"}``; ``choices`` only for type "choice". A construction permit asks for the land
parcel number and floor area, a food licence for the business area and category.
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from portal.forms import DateInput

FIELD_TYPES = {
    "text": _("Text"),
    "textarea": _("Long text"),
    "number": _("Number"),
    "date": _("Date"),
    "choice": _("Choice"),
}
KEY_FORMAT = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
ALLOWED_KEYS = {"key", "label", "type", "required", "help", "choices"}


def validate_schema(schema) -> None:
    """Raise ValidationError listing every problem of an extra-field schema."""
    if not isinstance(schema, list):
        raise ValidationError(_("Extra fields: the schema must be a list of fields."), code="schema_type")
    errors = []
    seen = set()
    for position, field in enumerate(schema, start=1):
        if not isinstance(field, dict):
            errors.append(_("Field %(n)d: must be an object with key, label and type.") % {"n": position})
            continue
        unknown = set(field) - ALLOWED_KEYS
        if unknown:
            errors.append(
                _("Field %(n)d: unknown attributes %(names)s.") % {"n": position, "names": ", ".join(sorted(unknown))}
            )
        key = field.get("key")
        if not isinstance(key, str) or not KEY_FORMAT.match(key):
            errors.append(
                _("Field %(n)d: the key must start with a lower-case letter and hold only a-z, 0-9 and _.")
                % {"n": position}
            )
        elif key in seen:
            errors.append(_("Field %(n)d: the key %(key)s is used twice.") % {"n": position, "key": key})
        else:
            seen.add(key)
        if not isinstance(field.get("label"), str) or not field.get("label", "").strip():
            errors.append(_("Field %(n)d: the label is required.") % {"n": position})
        kind = field.get("type")
        if kind not in FIELD_TYPES:
            errors.append(
                _("Field %(n)d: the type must be one of %(types)s.") % {"n": position, "types": ", ".join(FIELD_TYPES)}
            )
        if not isinstance(field.get("required", False), bool):
            errors.append(_("Field %(n)d: required must be true or false.") % {"n": position})
        choices = field.get("choices")
        if kind == "choice":
            valid = (
                isinstance(choices, list)
                and choices
                and all(isinstance(c, str) and c.strip() for c in choices)
                and len(set(choices)) == len(choices)
            )
            if not valid:
                errors.append(
                    _("Field %(n)d: a choice field needs a list of distinct, non-empty choices.") % {"n": position}
                )
        elif choices is not None:
            errors.append(_("Field %(n)d: only a choice field has choices.") % {"n": position})
    if errors:
        raise ValidationError(errors)


def form_field(field: dict) -> forms.Field:
    """Return the Django form field for one schema field."""
    # Help text is rendered unescaped by crispy-forms: escape what a catalogue editor typed.
    common = {
        "label": field["label"],
        "required": field.get("required", False),
        "help_text": escape(field.get("help", "")),
    }
    kind = field["type"]
    if kind == "textarea":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, **common)
    if kind == "number":
        return forms.DecimalField(max_digits=14, decimal_places=2, **common)
    if kind == "date":
        return forms.DateField(widget=DateInput(), **common)
    if kind == "choice":
        choices = [("", "---------")] + [(c, c) for c in field["choices"]]
        return forms.ChoiceField(choices=choices, **common)
    return forms.CharField(max_length=200, **common)


def to_json(field: dict, value):
    """Return a cleaned form value as stored in Application.form_data."""
    if value in (None, ""):
        return ""
    if field["type"] == "number":
        return str(value)
    if field["type"] == "date":
        return value.isoformat()
    return value


def missing_values(schema: list, data: dict) -> list[str]:
    """Return the labels of required fields that have no value in data."""
    return [f["label"] for f in schema if f.get("required") and str(data.get(f["key"], "")).strip() == ""]


def display_value(field: dict, value) -> str:
    """Return a stored value for display."""
    if field["type"] == "number" and value not in ("", None):
        try:
            return f"{Decimal(value).normalize():f}"
        except InvalidOperation:
            return str(value)
    return "" if value is None else str(value)
