"""The staff's screens of ratings: the ratings (read-only for everybody) and the rectifications with their steps.

Importing the modules registers the model admins; the home page's queues are in ../queues.py.
"""

from . import ratings, rectifications  # noqa: F401
