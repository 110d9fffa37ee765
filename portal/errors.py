"""The errors a person can cause, shared by every app: each carries a message in their language.

Services raise them; views, admin actions and tasks catch them and show the message. Every
app imports them from here, so no app depends on another one to report a refusal.
"""

from __future__ import annotations


class ActionRefused(Exception):
    """An action a person asked for cannot be done; the message says why, in their language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AlreadyHandled(ActionRefused):
    """The record was changed by someone else (or by a double click) in the meantime."""


class ApplicationIncomplete(ActionRefused):
    """Submission refused: every missing piece is listed at once."""

    def __init__(self, message: str, missing: list[str]):
        super().__init__(message)
        self.missing = missing


class QuotaExceeded(ActionRefused):
    """An account's limit (open drafts, stored bytes) would be passed; nothing was changed."""
