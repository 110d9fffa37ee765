"""The admin of licenses: the certificate database and the printing centre.

One module per screen family; importing them registers the model admins.
"""

from . import certificates, printing  # noqa: F401
