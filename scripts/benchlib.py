"""What the benchmark scripts share: Django set up from the project, and a throw-away database.

Importing this module sets Django up (the scripts run as `python scripts/NAME.py`).
"""

import contextlib
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()


@contextlib.contextmanager
def throwaway_database():
    """Create a test database next to DATABASE_URL's for the benchmark, and drop it afterwards."""
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield connection
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def construction_department():
    """Return the construction department every benchmark works in."""
    from portal.models import Department

    return Department.objects.create(code="zjj", name="市住房和城乡建设局")
