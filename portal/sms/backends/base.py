"""The interface every SMS backend implements."""


class SmsError(Exception):
    """A message could not be handed to the SMS service."""


class BaseSmsBackend:
    """Send one text message; subclasses implement ``send``."""

    def __init__(self, **kwargs):
        self.options = kwargs

    def send(self, mobile: str, text: str) -> None:
        """Hand ``text`` for ``mobile`` to the service, or raise SmsError."""
        raise NotImplementedError("An SMS backend must implement send().")
