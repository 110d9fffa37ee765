"""Checks of uploaded material files: type from the content, never from the name."""

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader

# The content types the portal accepts, by the format names materials use.
SNIFFED = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
CONTENT_TYPES = {fmt: mime for mime, fmt in SNIFFED.items()}
FORMAT_NAMES = {"pdf": "PDF", "jpg": "JPEG", "png": "PNG"}
# What a browser is told a stored file is when its recorded type is none of the above.
UNKNOWN_CONTENT_TYPE = "application/octet-stream"

# Characters no file name on Windows, macOS or Linux may hold, and the path separators.
_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|]+')


def extension_for(content_type: str) -> str:
    """Return the file extension (without the dot) of a detected content type, or "" if unknown."""
    return SNIFFED.get(content_type, "")


def served_content_type(content_type: str) -> str:
    """Return the type to serve a stored file as: the detected one, or a type no browser renders."""
    return content_type if content_type in SNIFFED else UNKNOWN_CONTENT_TYPE


def _printable(text: str) -> str:
    # Control and format characters (a right-to-left override can show "gpj.exe" as "exe.jpg") go.
    return "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn"))


def clean_original_name(name: str, *, max_length: int = 200) -> str:
    """Return the name the applicant's file had, as data: no folders, no control characters."""
    name = _printable(re.split(r"[\\/]", name or "")[-1]).strip()
    return name[-max_length:]


def download_name(stem: str, content_type: str) -> str:
    """Return a safe file name for a download: the given stem and the extension of the detected type."""
    stem = _UNSAFE_IN_NAME.sub("_", _printable(stem)).strip(" ._") or "material"
    extension = extension_for(content_type)
    return f"{stem[:100]}.{extension}" if extension else stem[:100]


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    size: int
    sha256: str


def _refuse(name: str, reason: str):
    raise ValidationError(_("File “%(name)s”: %(reason)s") % {"name": name, "reason": reason}, code="upload")


def _check_pdf(uploaded, name: str) -> None:
    uploaded.seek(0)
    try:
        reader = PdfReader(uploaded, strict=False)
        if reader.is_encrypted:
            _refuse(name, _("the PDF is password-protected; please upload it without a password."))
        if len(reader.pages) < 1:
            _refuse(name, _("the PDF has no pages."))
    except ValidationError:
        raise
    except Exception:  # untrusted input: any failure to parse it refuses it
        _refuse(name, _("the PDF is damaged and cannot be opened."))


def _check_image(uploaded, name: str) -> None:
    uploaded.seek(0)
    try:
        with Image.open(uploaded) as image:
            image.verify()
    except Image.DecompressionBombError:
        _refuse(name, _("the image is too large in pixels; please scan it at a lower resolution."))
    except Exception:  # untrusted input: any failure to open it refuses it
        _refuse(name, _("the image is damaged and cannot be opened."))


def check_upload(uploaded, *, accepted: list[str], max_bytes: int) -> CheckedUpload:
    """Return the checked type, size and SHA-256 of an upload, or raise ValidationError saying why not."""
    name = uploaded.name or _("(no name)")
    size = uploaded.size
    if not size:
        _refuse(name, _("the file is empty."))
    if size > max_bytes:
        _refuse(
            name,
            _("it is %(size)s, more than the %(limit)s allowed for this material.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
        )
    uploaded.seek(0)
    head = uploaded.read(4096)
    kind = filetype.guess(head)
    fmt = SNIFFED.get(kind.mime) if kind else None
    allowed = " / ".join(FORMAT_NAMES[f] for f in accepted)
    if fmt is None:
        _refuse(
            name,
            _("its content is not a %(allowed)s file (the type is read from the content, not from the file name).")
            % {"allowed": allowed},
        )
    if fmt not in accepted:
        _refuse(
            name,
            _("it is a %(found)s file, but this material accepts %(allowed)s only.")
            % {"found": FORMAT_NAMES[fmt], "allowed": allowed},
        )
    if fmt == "pdf":
        _check_pdf(uploaded, name)
    else:
        _check_image(uploaded, name)
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return CheckedUpload(content_type=CONTENT_TYPES[fmt], size=size, sha256=digest.hexdigest())
