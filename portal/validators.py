"""Validators for Chinese identity numbers, credit codes, mobile numbers and names.

The check-digit arithmetic comes from python-stdnum (``stdnum.cn.ric`` for GB 11643,
``stdnum.cn.uscc`` for GB 32100); this module turns its exceptions into messages that
name the field and the reason in the user's language, and adds what stdnum leaves out
(a plausible birth date; letters allowed in the first two positions of a credit code).
"""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc

OLDEST_PLAUSIBLE_AGE = 130

_ID_FORMAT = re.compile(r"^\d{17}[\dX]$")
# GB 32100-2015: authority code and type code (letters allowed), 6-digit area code,
# 9-character organisation code, check character; I, O, S, V and Z are never used.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_FORMAT = re.compile(rf"^[{_USCC_ALPHABET}]{{2}}\d{{6}}[{_USCC_ALPHABET}]{{10}}$")
_MOBILE_FORMAT = re.compile(r"^1[3-9]\d{9}$")


def normalize_id_number(value: str) -> str:
    """Return the ID number without spaces, with an upper-case check character."""
    return re.sub(r"[\s-]", "", value or "").upper()


def validate_id_number(value: str) -> None:
    """Check a resident identity card number (GB 11643-1999)."""
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError(
            _("ID number: must be 18 characters long, %(count)d were given."),
            code="id_length",
            params={"count": len(number)},
        )
    if not _ID_FORMAT.match(number):
        raise ValidationError(
            _("ID number: the first 17 characters must be digits and the last a digit or X."),
            code="id_format",
        )
    if number[-1] != ric.calc_check_digit(number):
        raise ValidationError(
            _("ID number: the check digit does not match; please check for a typing error."),
            code="id_checksum",
        )
    try:
        birth = ric.get_birth_date(number)
    except stdnum_errors.ValidationError:
        birth = None
    today = timezone.localdate()
    if birth is None or birth > today or birth < date(today.year - OLDEST_PLAUSIBLE_AGE, 1, 1):
        raise ValidationError(
            _("ID number: the birth date in it (%(digits)s) is not a plausible date."),
            code="id_birth_date",
            params={"digits": number[6:14]},
        )
    try:
        ric.get_birth_place(number)
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("ID number: the region code %(code)s in it does not exist."),
            code="id_region",
            params={"code": number[:6]},
        ) from None


def normalize_credit_code(value: str) -> str:
    """Return the credit code without spaces or dashes, in upper case."""
    return re.sub(r"[\s-]", "", value or "").upper()


def validate_credit_code(value: str) -> None:
    """Check a unified social credit code (GB 32100-2015)."""
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("Unified social credit code: must be 18 characters long, %(count)d were given."),
            code="uscc_length",
            params={"count": len(code)},
        )
    if not _USCC_FORMAT.match(code):
        raise ValidationError(
            _(
                "Unified social credit code: characters 3 to 8 must be digits, and the letters "
                "I, O, S, V and Z never occur."
            ),
            code="uscc_format",
        )
    if code[-1] != uscc.calc_check_digit(code):
        raise ValidationError(
            _("Unified social credit code: the check character does not match; please check for a typing error."),
            code="uscc_checksum",
        )


def validate_mobile(value: str) -> None:
    """Check a mainland China mobile number (11 digits starting with 13 to 19)."""
    if not _MOBILE_FORMAT.match(value or ""):
        raise ValidationError(
            _("Mobile number: must be 11 digits starting with 13 to 19, e.g. 13812345678."),
            code="mobile_format",
        )


# Names as written on an identity card or a business licence: Chinese characters (with the
# rare ones of extension planes), Latin letters, spaces, and the middle dot of transliterated
# names (阿卜杜勒·买买提). Input methods type the dot in several ways; all become "·".
PERSON_NAME_MAX_LENGTH = 50
ORGANIZATION_NAME_MAX_LENGTH = 200
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
_DOTS = str.maketrans({"\u30fb": "·", "\u2022": "·", "\u2027": "·", "\u0387": "·"})
_PERSON_NAME = re.compile(rf"^[{_HAN}{_LATIN}](?:[{_HAN}{_LATIN} ·'.-]*[{_HAN}{_LATIN}.])?$")
_ORGANIZATION_NAME = re.compile(rf"^[{_HAN}{_LATIN}0-9 ·'.,&()（）-]+$")
_LETTER = re.compile(rf"[{_HAN}{_LATIN}]")


def normalize_name(value: str) -> str:
    """Return the name with one kind of middle dot and single spaces, trimmed."""
    return re.sub(r"\s+", " ", (value or "").translate(_DOTS)).strip()


def validate_person_name(value: str) -> None:
    """Check a person's name: Chinese characters, Latin letters, spaces and the middle dot only."""
    name = normalize_name(value)
    if not name:
        raise ValidationError(_("Please enter the name."), code="name_required")
    if len(name) > PERSON_NAME_MAX_LENGTH:
        raise ValidationError(
            _("A name has at most %(limit)d characters; %(count)d were given."),
            code="name_length",
            params={"limit": PERSON_NAME_MAX_LENGTH, "count": len(name)},
        )
    if _PERSON_NAME.match(name):
        return
    without_digits = "".join(c for c in name if not c.isdigit())
    if without_digits != name and _PERSON_NAME.match(without_digits):
        raise ValidationError(_("A person's name cannot contain digits."), code="name_digits")
    raise ValidationError(
        _(
            "A person's name may contain only Chinese characters, Latin letters, spaces and the "
            "middle dot (·), e.g. 张三, 阿卜杜勒·买买提 or John Smith."
        ),
        code="name_characters",
    )


def validate_organization_name(value: str) -> None:
    """Check an enterprise's or organisation's name: a person's name's characters plus digits and brackets."""
    name = normalize_name(value)
    if not name:
        raise ValidationError(_("Please enter the name."), code="name_required")
    if len(name) > ORGANIZATION_NAME_MAX_LENGTH:
        raise ValidationError(
            _("A name has at most %(limit)d characters; %(count)d were given."),
            code="name_length",
            params={"limit": ORGANIZATION_NAME_MAX_LENGTH, "count": len(name)},
        )
    if not _ORGANIZATION_NAME.match(name) or not _LETTER.search(name):
        raise ValidationError(
            _(
                "An enterprise's name may contain only Chinese characters, Latin letters, digits, spaces, "
                "brackets and the middle dot (·), as on its business licence."
            ),
            code="name_characters",
        )
