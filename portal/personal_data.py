"""Personal identifiers (ID numbers, mobiles) at rest: encrypted, and found by keyed hash.

The columns of these identifiers hold Fernet tokens (AES-128-CBC with HMAC-SHA256, from the
``cryptography`` package) made with the first key of PERSONAL_DATA_KEYS; every key of the list
decrypts, so a key is rotated by putting a new one first and re-encrypting
(``manage.py rotate_personal_data_keys``). Beside each encrypted column, ``<field>_hash`` holds
the keyed hash (HMAC-SHA256 with PERSONAL_DATA_HASH_KEY) of the value, which lets the database
find a record by an exact identifier without the identifier being stored or searchable in clear.
"""

import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed
from django.db.models import Q
from django.dispatch import receiver


class PersonalDataKeyError(RuntimeError):
    """A stored value that none of the keys in PERSONAL_DATA_KEYS decrypts."""


def normalize(value) -> str:
    """Return an identifier as it is hashed: no spaces, upper case."""
    return "".join(str(value or "").split()).upper()


def lookup_hash(value: str) -> str:
    """Return the keyed hash of a normalised identifier (upper case, no spaces); "" for "" ."""
    value = normalize(value)
    if not value:
        return ""
    key = settings.PERSONAL_DATA_HASH_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def exact_q(field: str, value: str) -> Q:
    """Return a condition matching records whose encrypted identifier ``field`` equals ``value``.

    It compares keyed hashes (``<field>_hash``), so it uses that column's index; ``field`` may
    follow relations (``applicant__id_number``).
    """
    return Q(**{f"{field}_hash": lookup_hash(value)})


@functools.cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.PERSONAL_DATA_KEYS])


@functools.cache
def _primary() -> Fernet:
    return Fernet(settings.PERSONAL_DATA_KEYS[0])


@receiver(setting_changed)
def _keys_changed(*, setting, **kwargs):
    if setting == "PERSONAL_DATA_KEYS":
        _fernet.cache_clear()
        _primary.cache_clear()


def encrypt(value: str) -> str:
    """Return the Fernet token of a text with the first key; "" stays "" (emptiness is no secret)."""
    if value is None or value == "":
        return value
    return _fernet().encrypt(str(value).encode()).decode()


def decrypt(token: str) -> str:
    """Return the text of a Fernet token made with any of the keys; "" stays ""."""
    if token is None or token == "":
        return token
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise PersonalDataKeyError(
            "A stored personal identifier cannot be decrypted with any key of PERSONAL_DATA_KEYS: "
            "was a key removed before `manage.py rotate_personal_data_keys` had re-encrypted every row?"
        ) from None


def is_current(token: str) -> bool:
    """Return whether a stored token was made with the first key ("" needs no key)."""
    if not token:
        return True
    try:
        _primary().decrypt(token.encode())
    except InvalidToken:
        return False
    return True
