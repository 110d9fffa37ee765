"""The client's address, read only from what the operator declared trustworthy."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """Return the client's IP address, or None when it cannot be told.

    By default this is REMOTE_ADDR. Behind a proxy the operator sets CLIENT_IP_HEADER (the
    META key of the header the proxy writes, e.g. HTTP_X_FORWARDED_FOR) and
    TRUSTED_PROXY_COUNT (how many proxies append to it). The address is the entry that
    many places from the right, so entries a client forges on the left are never read. A
    missing or malformed header falls back to REMOTE_ADDR; nothing here raises.
    """
    remote = _valid(request.META.get("REMOTE_ADDR", ""))
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    if not header:
        return remote
    count = max(int(getattr(settings, "TRUSTED_PROXY_COUNT", 1) or 1), 1)
    entries = [part.strip() for part in str(request.META.get(header, "")).split(",") if part.strip()]
    if len(entries) < count:
        return remote
    return _valid(entries[-count]) or remote


def _valid(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [IPv6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # IPv4:port
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


# The bucket of requests whose address cannot be told (an empty REMOTE_ADDR behind a Unix
# socket with no proxy header declared): they share one limit rather than escape it.
UNKNOWN_CLIENT = "0.0.0.0"  # noqa: S104 - a rate-limit bucket name, not an address to bind


def ratelimit_ip(request) -> str:
    """Return the client address for django-ratelimit (RATELIMIT_IP_META_KEY), never None."""
    return client_ip(request) or UNKNOWN_CLIENT
