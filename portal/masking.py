"""Masking of personal data shown where the full value is not needed."""


def mask_id_number(value: str) -> str:
    """Return an ID number or credit code with only its first 4 and last 4 characters shown."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"


def mask_mobile(value: str) -> str:
    """Return a mobile number as 138****5678."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def mask_name(value: str) -> str:
    """Return a person's name with all but the first character masked (张**)."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)


def mask_address(value: str) -> str:
    """Return an address with only its first six characters shown (the district, roughly)."""
    if not value:
        return ""
    shown = min(6, len(value) // 2)
    return value[:shown] + "****"


def mask_email(value: str) -> str:
    """Return an e-mail address with its local part masked but the first character (z***@example.com)."""
    if not value:
        return ""
    local, at, domain = value.partition("@")
    if not at:
        return "*" * len(value)
    return f"{local[:1]}***@{domain}"
