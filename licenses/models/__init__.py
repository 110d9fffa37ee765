"""The models of licenses, one file per family, re-exported here for migrations and imports elsewhere."""

from .access import CertificateAccess, VerificationLog
from .certificates import (
    FIELD_SOURCES,
    Certificate,
    CertificateCounter,
    CertificateType,
    ExpiryNotice,
    ItemCertificate,
    MaterialCertificate,
    new_token,
    validate_printed_fields,
)
from .printing import PrintBatch, PrintJob

__all__ = [
    "FIELD_SOURCES",
    "Certificate",
    "CertificateAccess",
    "CertificateCounter",
    "CertificateType",
    "ExpiryNotice",
    "ItemCertificate",
    "MaterialCertificate",
    "PrintBatch",
    "PrintJob",
    "VerificationLog",
    "new_token",
    "validate_printed_fields",
]
