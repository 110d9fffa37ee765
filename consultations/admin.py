"""The staff's screens of consultations, one module per package (registered on import)."""

from .questions import admin  # noqa: F401
