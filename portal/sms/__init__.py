"""Text messages to mobiles, sent through the backend named by settings SMS_BACKEND.

Like Django's e-mail backends: ``send_sms(mobile, text)`` loads the class at the dotted
path in SMS_BACKEND and calls its ``send``. The console backend (the development default)
writes the message to the log, the locmem backend keeps it in ``portal.sms.outbox`` for
tests, and the gateway backend posts it to the city's SMS gateway over HTTP.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from .backends.base import BaseSmsBackend, SmsError

# Messages the locmem backend "sent" (tests read and clear it).
outbox: list = []

__all__ = ["BaseSmsBackend", "SmsError", "get_backend", "outbox", "send_sms"]


def get_backend(backend: str | None = None, **kwargs) -> BaseSmsBackend:
    """Return an instance of the SMS backend at ``backend`` or settings.SMS_BACKEND."""
    return import_string(backend or settings.SMS_BACKEND)(**kwargs)


def send_sms(mobile: str, text: str, *, backend: str | None = None) -> None:
    """Send ``text`` to ``mobile``; raise SmsError when the backend could not hand it over."""
    if not mobile:
        raise SmsError("No mobile number to send the message to.")
    get_backend(backend).send(mobile, text)
