"""Development backend: the message is written to the log instead of being sent."""

import logging

from .base import BaseSmsBackend

logger = logging.getLogger("portal.sms")


class SmsBackend(BaseSmsBackend):
    """Log every message (with the code it may carry) so a developer can read it in the console."""

    def send(self, mobile: str, text: str) -> None:
        logger.warning("SMS to %s (console backend, not sent): %s", mobile, text)
