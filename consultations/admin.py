"""The staff's screens of consultations, one module per package (registered on import)."""

from .appointments import admin as appointments_admin  # noqa: F401
from .questions import admin  # noqa: F401
from .ratings import admin as ratings_admin  # noqa: F401
