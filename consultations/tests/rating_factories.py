"""Rated services for the ratings tests, made through the services."""

from __future__ import annotations

from approvals import services as approvals
from approvals.tests import factories as approval_factories
from consultations.ratings import services
from consultations.ratings.models import Level5, ServiceKind


def rejected(item, applicant, clerk):
    """Return an application concluded at intake (rejected), the applicant's to rate."""
    application = approval_factories.submitted(item, applicant)
    return approvals.application_reject(application_id=application.pk, actor=clerk, reason="不属于本部门受理范围")


def rate(application, rater, level=Level5.DISSATISFIED, **fields):
    return services.rating_submit(
        rater=rater, kind=ServiceKind.APPLICATION, object_id=application.pk, level=level, **fields
    )


def rated(item, applicant, clerk, level=Level5.DISSATISFIED, **fields):
    """Return the rating of a freshly concluded application."""
    return rate(rejected(item, applicant, clerk), applicant, level=level, **fields)
