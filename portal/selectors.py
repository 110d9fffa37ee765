"""Reads of the portal core shared by views."""

import os

from django.conf import settings
from django.db import connection

from .celery import app as celery_app


def health_database() -> str:
    """Return "ok" when the database answers a query, else the error."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down" to a load balancer
        return f"error: {exc.__class__.__name__}"
    return "ok"


def health_broker(*, timeout: float = 2.0) -> str:
    """Return "ok" when the Celery broker accepts a connection, else the error."""
    try:
        with celery_app.connection_for_write(url=settings.CELERY_BROKER_URL, connect_timeout=timeout) as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
            if conn.transport_cls == "filesystem":
                # The embedded broker "connects" to anything: check its folders instead.
                _check_filesystem_broker(conn.transport_options)
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _check_filesystem_broker(options: dict) -> None:
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        folder = options.get(key)
        if folder and not (os.path.isdir(folder) and os.access(folder, os.W_OK)):
            raise OSError(f"broker folder {folder} is missing or not writable")
