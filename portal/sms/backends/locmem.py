"""Test backend: messages are kept in ``portal.sms.outbox``."""

from dataclasses import dataclass

from .base import BaseSmsBackend


@dataclass(frozen=True)
class SmsMessage:
    mobile: str
    text: str


class SmsBackend(BaseSmsBackend):
    """Append every message to ``portal.sms.outbox``."""

    def send(self, mobile: str, text: str) -> None:
        from portal import sms  # noqa: PLC0415  (the outbox lives on the package, which imports this module's base)

        sms.outbox.append(SmsMessage(mobile=mobile, text=text))
