"""The audit trail: append-only records of who did what to which record, when, from where.

Call :func:`portal.audit.record` wherever something must be accountable (logins, views of
personal data, role grants). The rows are never updated; they are deleted only by the
retention purge once older than the configured retention.
"""

from .recording import record

__all__ = ["record"]
