"""Validators for Chinese identity numbers, credit codes and mobile numbers.

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
