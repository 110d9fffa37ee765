"""The admin of approvals: the catalogue, the applications' work queues and batch approvals.

One module per screen family; importing them registers the model admins and the work queues
shown on the admin's home page.
"""

from ..disclosure import admin as disclosure_admin  # noqa: F401
from . import applications, batch, catalogue, queues  # noqa: F401

queues.register()
