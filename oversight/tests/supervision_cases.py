"""A department with a case late on every clock of the portal, made through the services."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from approvals import services as approvals
from approvals.models import Application, PublishedDecision
from approvals.tests import factories as approval_factories
from consultations import services as consultations
from consultations.models import ReplyKind
from consultations.ratings import services as ratings
from consultations.ratings.models import Level5, ServiceKind
from consultations.tests import factories as question_factories
from licenses.tests import factories as license_factories
from portal.clock import sweep
from portal.tests import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


def every_clock_late(*, item, clerk, reviewer, consultant, citizen) -> dict:
    """Open a case on every clock on 30 November 2026 and sweep on 8 January 2027, when every one is overdue."""
    with time_machine.travel(at("2026-11-30"), tick=False):
        license_factories.permit_type(item.department, item)
        deciding = license_factories.in_review(item, citizen, clerk, reviewer)
        certificate = license_factories.issued(item, factories.citizen("holder", "王持证"), clerk, reviewer)
        reply = question_factories.ask(item, asker=citizen, now=at("2026-11-30"))
        forward = question_factories.ask(item, asker=citizen, now=at("2026-11-30"), subject="户口迁移怎么办")
        consultations.question_claim(question_id=forward.pk, actor=consultant, now=at("2026-11-30"))
        consultations.question_classify(
            question_id=forward.pk, actor=consultant, kind=ReplyKind.OUTSIDE_REMIT, now=at("2026-11-30")
        )
        refused = approval_factories.submitted(item, citizen)
        approvals.application_reject(application_id=refused.pk, actor=clerk, reason="不属于本部门受理范围")
        rating = ratings.rating_submit(
            rater=citizen,
            kind=ServiceKind.APPLICATION,
            object_id=refused.pk,
            level=Level5.DISSATISFIED,
            now=at("2026-11-30"),
        )
        # A denial that cannot be published: the enterprise's credit code is missing.
        unpublished = license_factories.in_review(item, factories.enterprise("nocode"), clerk, reviewer)
        Application.objects.filter(pk=unpublished.pk).update(applicant_id_number="")
        approvals.application_deny(application_id=unpublished.pk, actor=reviewer, reason="不符合法定条件")
    with time_machine.travel(at("2027-01-08", 6), tick=False):
        sweep.run()
    return {
        "application": deciding,
        "print_job": certificate.print_job,
        "reply": reply,
        "forward": forward,
        "rectification": rating.rectification,
        "publication": PublishedDecision.objects.get(application=unpublished),
    }
