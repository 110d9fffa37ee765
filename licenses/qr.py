"""The certificate's verification QR code: encoded once after issuance, stored packed, drawn at print time.

Encoding a QR code (segno picks the best of eight masks) costs several times what drawing
the rest of the page does, so a certificate keeps its code: the module matrix packed one
bit a module, about 140 bytes in base64 for the portal's verification address. The stored
code names its size and a fingerprint of the address it encodes; printing draws it as it
is, and encodes afresh only a certificate without one (its worker task, queued when the
issuance committed, has not run yet; or issued before codes were stored, until ``manage.py
certificates_store_qr`` has filled them) or one whose address changed (a new PORTAL_BASE_URL).
"""

from __future__ import annotations

import base64
import hashlib

import segno
from django.conf import settings

Matrix = tuple[bytes, ...]  # rows of 0/1 bytes, dark = 1, without the quiet zone

_FINGERPRINT = 4  # bytes of the address's hash kept with the code


def verify_url(certificate) -> str:
    """Return the public address the QR code points to."""
    return f"{settings.PORTAL_BASE_URL}/verify/{certificate.token}/"


def encode(content: str) -> Matrix:
    """Return the QR code of `content` as rows of 0/1 bytes (segno picks the best mask)."""
    return tuple(bytes(row) for row in segno.make_qr(content, error="m").matrix)


def _fingerprint(content: str) -> bytes:
    return hashlib.blake2s(content.encode(), digest_size=_FINGERPRINT).digest()


def pack(matrix: Matrix, content: str) -> str:
    """Return the matrix as stored: its size, the fingerprint of `content`, then one bit a module, in base64."""
    size = len(matrix)
    bits = "".join("1" if dark else "0" for row in matrix for dark in row)
    # The first module is the first byte's high bit; the last byte is padded with zeros.
    modules = (int(bits, 2) << (-len(bits) % 8)).to_bytes((len(bits) + 7) // 8, "big")
    return base64.b64encode(bytes([size]) + _fingerprint(content) + modules).decode("ascii")


def unpack(code: str, content: str) -> Matrix | None:
    """Return the stored matrix if `code` encodes `content`; None when there is none or it encodes another."""
    if not code:
        return None
    raw = base64.b64decode(code)
    size, fingerprint, modules = raw[0], raw[1 : 1 + _FINGERPRINT], raw[1 + _FINGERPRINT :]
    if fingerprint != _fingerprint(content):
        return None
    bits = bin(int.from_bytes(modules, "big") | (1 << len(modules) * 8))[3:]  # the leading 1 keeps leading zeros
    flat = bits[: size * size].encode().translate(_TO_MODULES)
    return tuple(flat[start : start + size] for start in range(0, size * size, size))


_TO_MODULES = bytes.maketrans(b"01", b"\x00\x01")


def verification(certificate) -> dict[str, str]:
    """Return the fields to set on a certificate (its token already drawn) so that it keeps its QR code."""
    url = verify_url(certificate)
    return {"qr_code": pack(encode(url), url)}


def matrix_of(certificate) -> Matrix:
    """Return the certificate's QR matrix: the stored one, or encoded now if it has none (or an outdated one)."""
    url = verify_url(certificate)
    stored = unpack(certificate.qr_code, url)
    return stored if stored is not None else encode(url)
