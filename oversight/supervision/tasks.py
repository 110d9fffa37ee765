"""Celery tasks of supervision: thin, they take nothing and call the services (imported by oversight's ready())."""

from celery import shared_task

from . import digest


@shared_task(acks_late=True)
def supervision_digests_send() -> int:
    """Send each active supervisor today's digest, once a day (safe to run twice); return how many were sent."""
    return sum(digest.supervision_digest_send(supervisor_id=pk) is not None for pk in digest.supervisors())
