"""The staff's screens of questions: the queue and its steps, recording, publishing, the FAQ, the limits.

One module per screen family; importing them registers the model admins. The home page's
work queue is registered in consultations/apps.py.
"""

from . import faq_entries, limits, questions  # noqa: F401
