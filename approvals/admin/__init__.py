"""The admin of approvals: the catalogue, the applications' work queues and batch approvals.

One module per screen family; importing them registers the model admins.
"""

from . import applications, batch, catalogue  # noqa: F401
