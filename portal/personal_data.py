"""Exact look-up of personal identifiers (ID numbers, credit codes, mobiles) by keyed hash.

The keyed hash (HMAC-SHA256 with PERSONAL_DATA_HASH_KEY) lets the database find a record
by an exact identifier without the identifier itself being searchable or stored in clear.
"""

import hashlib
import hmac

from django.conf import settings
from django.db.models import Q


def lookup_hash(value: str) -> str:
    """Return the keyed hash of a normalised identifier (upper case, no spaces); "" for "" ."""
    value = "".join(str(value or "").split()).upper()
    if not value:
        return ""
    key = settings.PERSONAL_DATA_HASH_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def exact_q(field: str, value: str) -> Q:
    """Return a condition matching records whose identifier ``field`` equals ``value``."""
    return Q(**{field: "".join(str(value or "").split()).upper()})
