"""Two members of staff acting on the same question at the same moment: exactly one wins (PostgreSQL)."""

import pytest

from approvals.tests.test_races import _race
from consultations import services
from consultations.models import Message, Question
from consultations.tests import factories
from portal import errors, roles
from portal.tests import factories as portal_factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_staff_claiming_at_once_make_one_first_responder_and_tell_the_other(
    requires_postgresql, permit_item, citizen
):
    first = portal_factories.staff("zx1", roles.CONSULTANT, permit_item.department, staff_number="ZJ0001")
    second = portal_factories.staff("zx2", roles.CONSULTANT, permit_item.department, staff_number="ZJ0002")
    for _ in range(5):
        question = factories.ask(permit_item, asker=citizen)
        results = _race(
            lambda pk=question.pk: services.question_claim(question_id=pk, actor=first),
            lambda pk=question.pk: services.question_claim(question_id=pk, actor=second),
        )
        losers = [r for r in results if isinstance(r, Exception)]
        assert len(losers) == 1 and isinstance(losers[0], errors.AlreadyHandled), results
        winner = first if isinstance(results[1], Exception) else second
        assert winner.staff_number in losers[0].message
        question.refresh_from_db()
        assert question.state == Question.State.IN_PROGRESS
        assert question.first_responder == winner == question.handler
        assert Message.objects.filter(question=question, kind=Message.Kind.CLAIM).count() == 1
