"""The whole state machine: every transition tried by every role from its source state."""

import pytest
from django.utils import translation
from django_fsm_log.models import StateLog

from approvals import services
from approvals.models import ClockPause, State
from approvals.tests import factories
from portal import errors

pytestmark = pytest.mark.django_db

ROLES = [
    "citizen",
    "other_citizen",
    "clerk",
    "reviewer",
    "other_reviewer",
    "print_operator",
    "supervisor",
    "administrator",
]


def _to_state(state, *, item, citizen, clerk, reviewer):
    """Return an application of `citizen` brought to `state` through the services."""
    if state == State.DRAFT:
        return factories.complete_draft(item, citizen)
    application = factories.submitted(item, citizen)
    if state == State.SUBMITTED:
        return application
    if state == State.NEEDS_CORRECTION:
        services.application_request_correction(
            application_id=application.pk, actor=clerk, items=[(None, "parcel_no", "宗地编号有误")]
        )
        return application
    services.application_accept(application_id=application.pk, actor=clerk)
    if state == State.ACCEPTED:
        return application
    services.application_claim(application_id=application.pk, actor=reviewer)
    if state == State.IN_REVIEW:
        return application
    services.application_suspend(
        application_id=application.pk, actor=reviewer, kind="expert_review", reason="专家评审", expected_days=5
    )
    assert state == State.SUSPENDED
    return application


# action name -> (source state, roles allowed, call)
ACTIONS = {
    "submit": (State.DRAFT, {"citizen"}, lambda a, u: services.application_submit(application_id=a.pk, actor=u)),
    "resubmit": (
        State.NEEDS_CORRECTION,
        {"citizen"},
        lambda a, u: services.application_submit(application_id=a.pk, actor=u),
    ),
    "withdraw": (
        State.SUBMITTED,
        {"citizen"},
        lambda a, u: services.application_withdraw(application_id=a.pk, actor=u),
    ),
    "request_correction": (
        State.SUBMITTED,
        {"clerk"},
        lambda a, u: services.application_request_correction(
            application_id=a.pk, actor=u, items=[(None, "floor_area", "面积不符")]
        ),
    ),
    "accept": (State.SUBMITTED, {"clerk"}, lambda a, u: services.application_accept(application_id=a.pk, actor=u)),
    "reject": (
        State.SUBMITTED,
        {"clerk"},
        lambda a, u: services.application_reject(application_id=a.pk, actor=u, reason="不属于本机关职权范围"),
    ),
    "claim": (State.ACCEPTED, {"reviewer"}, lambda a, u: services.application_claim(application_id=a.pk, actor=u)),
    "suspend": (
        State.IN_REVIEW,
        {"reviewer"},
        lambda a, u: services.application_suspend(
            application_id=a.pk, actor=u, kind="hearing", reason="举行听证", expected_days=10
        ),
    ),
    "resume": (State.SUSPENDED, {"reviewer"}, lambda a, u: services.application_resume(application_id=a.pk, actor=u)),
    "extend": (
        State.IN_REVIEW,
        {"reviewer"},
        lambda a, u: services.application_extend(
            application_id=a.pk, actor=u, reason="情况复杂", approved_by="局长 王某"
        ),
    ),
    "approve": (State.IN_REVIEW, {"reviewer"}, lambda a, u: services.application_approve(application_id=a.pk, actor=u)),
    "deny": (
        State.IN_REVIEW,
        {"reviewer"},
        lambda a, u: services.application_deny(application_id=a.pk, actor=u, reason="不符合法定条件"),
    ),
}

EXPECTED_TARGET = {
    "submit": State.SUBMITTED,
    "resubmit": State.SUBMITTED,
    "withdraw": State.WITHDRAWN,
    "request_correction": State.NEEDS_CORRECTION,
    "accept": State.ACCEPTED,
    "reject": State.REJECTED,
    "claim": State.IN_REVIEW,
    "suspend": State.SUSPENDED,
    "resume": State.IN_REVIEW,
    "extend": State.IN_REVIEW,
    "approve": State.APPROVED,
    "deny": State.DENIED,
}

CASES = [(action, role) for action in ACTIONS for role in ROLES]


@pytest.fixture
def cast(request, construction_department):
    item = factories.item(construction_department, code="ZJJ-XK-0002", extension_days=10)
    return {"item": item, **{role: request.getfixturevalue(role) for role in ROLES}}


@pytest.mark.parametrize(("action", "role"), CASES, ids=[f"{a}-by-{r}" for a, r in CASES])
def test_each_action_is_open_exactly_to_its_role(cast, action, role):
    source, allowed, call = ACTIONS[action]
    application = _to_state(
        source, item=cast["item"], citizen=cast["citizen"], clerk=cast["clerk"], reviewer=cast["reviewer"]
    )
    actor = cast[role]
    if role in allowed:
        call(application, actor)
        application.refresh_from_db()
        assert application.state == EXPECTED_TARGET[action]
    else:
        with pytest.raises(errors.ActionRefused):
            call(application, actor)
        application.refresh_from_db()
        assert application.state == source


WRONG_STATES = [
    (action, state)
    for action, (source, _, _) in ACTIONS.items()
    for state in (State.DRAFT, State.SUBMITTED, State.ACCEPTED, State.IN_REVIEW, State.SUSPENDED)
    if state != source
    and not (action == "withdraw" and state in (State.DRAFT, State.ACCEPTED))
    and not (action == "resubmit" and state == State.DRAFT)  # that is the first submission
]


@pytest.mark.parametrize(("action", "state"), WRONG_STATES, ids=[f"{a}-from-{s}" for a, s in WRONG_STATES])
def test_no_action_works_from_a_wrong_state(cast, action, state):
    _, allowed, call = ACTIONS[action]
    application = _to_state(
        state, item=cast["item"], citizen=cast["citizen"], clerk=cast["clerk"], reviewer=cast["reviewer"]
    )
    with pytest.raises(errors.ActionRefused):
        call(application, cast[next(iter(allowed))])
    application.refresh_from_db()
    assert application.state == state


def test_withdrawal_is_open_from_draft_and_accepted_too(cast):
    for state in (State.DRAFT, State.NEEDS_CORRECTION, State.ACCEPTED):
        application = _to_state(
            state, item=cast["item"], citizen=cast["citizen"], clerk=cast["clerk"], reviewer=cast["reviewer"]
        )
        services.application_withdraw(application_id=application.pk, actor=cast["citizen"])
        application.refresh_from_db()
        assert application.state == State.WITHDRAWN


def test_a_second_correction_round_needs_the_supervisor_and_is_flagged(cast):
    application = _to_state(
        State.NEEDS_CORRECTION,
        item=cast["item"],
        citizen=cast["citizen"],
        clerk=cast["clerk"],
        reviewer=cast["reviewer"],
    )
    services.application_submit(application_id=application.pk, actor=cast["citizen"])
    with pytest.raises(errors.ActionRefused) as refused:
        services.application_request_correction(
            application_id=application.pk, actor=cast["clerk"], items=[(None, "parcel_no", "仍有误")]
        )
    assert "效能监察" in refused.value.message
    notice = services.application_request_correction(
        application_id=application.pk, actor=cast["supervisor"], items=[(None, "parcel_no", "仍有误")]
    )
    application.refresh_from_db()
    assert notice.round == 2 and notice.flagged_for_supervision
    assert application.flagged_for_supervision


def test_the_extension_is_granted_once_with_reason_and_approver(cast):
    application = _to_state(
        State.IN_REVIEW, item=cast["item"], citizen=cast["citizen"], clerk=cast["clerk"], reviewer=cast["reviewer"]
    )
    services.application_extend(
        application_id=application.pk, actor=cast["reviewer"], reason="需征求多部门意见", approved_by="局长 王某"
    )
    application.refresh_from_db()
    assert application.extension_days == 10
    assert application.extension_approved_by == "局长 王某"
    with pytest.raises(errors.AlreadyHandled):
        services.application_extend(
            application_id=application.pk, actor=cast["reviewer"], reason="再次延期", approved_by="局长 王某"
        )


def test_a_suspension_records_the_pause_and_resume_closes_it(cast):
    application = _to_state(
        State.SUSPENDED, item=cast["item"], citizen=cast["citizen"], clerk=cast["clerk"], reviewer=cast["reviewer"]
    )
    pause = ClockPause.objects.get(application=application)
    assert pause.ended_at is None and pause.expected_days == 5
    services.application_resume(application_id=application.pk, actor=cast["reviewer"])
    pause.refresh_from_db()
    assert pause.ended_at is not None and pause.ended_by == cast["reviewer"]


def test_rejection_and_denial_carry_reasons_and_the_legal_remedy(cast):
    submitted = _to_state(
        State.SUBMITTED, item=cast["item"], citizen=cast["citizen"], clerk=cast["clerk"], reviewer=cast["reviewer"]
    )
    with pytest.raises(errors.ActionRefused):
        services.application_reject(application_id=submitted.pk, actor=cast["clerk"], reason="  ")
    rejected = services.application_reject(application_id=submitted.pk, actor=cast["clerk"], reason="材料不属实")
    assert rejected.decision_reason == "材料不属实"
    assert "行政复议" in rejected.decision_remedy and "行政诉讼" in rejected.decision_remedy


def test_the_correction_log_entry_is_chinese_whatever_the_clerks_language(citizen, clerk, permit_item):
    application = factories.submitted(permit_item, citizen)
    with translation.override("en"):
        services.application_request_correction(
            application_id=application.pk, actor=clerk, items=[(None, "parcel_no", "有误")]
        )
    log = StateLog.objects.for_(application).get(transition="request_correction")
    assert log.description == "第 1 次补正告知"
    application.refresh_from_db()
    assert application.state == State.NEEDS_CORRECTION
