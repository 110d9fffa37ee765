"""Production backend: POST each message as JSON to the SMS gateway named in the settings.

The request is ``POST SMS_GATEWAY_URL`` with ``Authorization: Bearer SMS_GATEWAY_TOKEN`` and
the body ``{"mobile": "13800138000", "text": "..."}``; any 2xx answer means the gateway took
the message. The city's gateway (or a small adapter in front of a carrier's API) speaks
this; the standard library's urllib is enough for one POST, so no HTTP client is added.
"""

import json
import urllib.error
import urllib.request

from django.conf import settings

from .base import BaseSmsBackend, SmsError


class SmsBackend(BaseSmsBackend):
    """Send through the HTTP gateway; raise SmsError on a refusal, a timeout or no answer."""

    def __init__(self, *, url=None, token=None, timeout=None, **kwargs):
        super().__init__(**kwargs)
        self.url = url or settings.SMS_GATEWAY_URL
        self.token = token if token is not None else settings.SMS_GATEWAY_TOKEN
        self.timeout = timeout or settings.SMS_GATEWAY_TIMEOUT
        if not self.url:
            raise SmsError("SMS_GATEWAY_URL is not set; the gateway backend has nowhere to send.")
        if not self.url.startswith(("https://", "http://")):
            raise SmsError("SMS_GATEWAY_URL must be an http(s) address.")

    def send(self, mobile: str, text: str) -> None:
        body = json.dumps({"mobile": mobile, "text": text}, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310  (URL from settings)
                status = response.status
        except urllib.error.HTTPError as error:
            raise SmsError(f"The SMS gateway refused the message: HTTP {error.code} {error.reason}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise SmsError(f"The SMS gateway could not be reached: {error}") from error
        if not 200 <= status < 300:
            raise SmsError(f"The SMS gateway refused the message: HTTP {status}")
