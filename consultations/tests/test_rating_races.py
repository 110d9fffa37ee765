"""Two rating requests for the same service at the same moment store one (PostgreSQL)."""

import pytest

from approvals import services as approvals
from approvals.tests import factories as approval_factories
from approvals.tests.test_races import _race
from consultations.models import Rating, Rectification
from consultations.ratings import services
from consultations.ratings.models import Level5, ServiceKind
from portal.errors import AlreadyHandled

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_ratings_sent_at_once_store_one_and_tell_the_other(requires_postgresql, permit_item, citizen, clerk):
    for _ in range(5):
        application = approval_factories.submitted(permit_item, citizen)
        approvals.application_reject(application_id=application.pk, actor=clerk, reason="不予受理")

        def send(pk=application.pk):
            return services.rating_submit(
                rater=citizen, kind=ServiceKind.APPLICATION, object_id=pk, level=Level5.DISSATISFIED
            )

        results = _race(send, send)

        losers = [r for r in results if isinstance(r, Exception)]
        assert len(losers) == 1 and isinstance(losers[0], AlreadyHandled), results
        assert Rating.objects.filter(application=application).count() == 1
        assert Rectification.objects.filter(rating__application=application).count() == 1
