"""The staff action table: it agrees with the state machine, and the admin offers exactly what it says."""

import pytest
from django.urls import reverse

from approvals import actions, selectors, services
from approvals.models import Application, State
from approvals.tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("action", actions.ACTIONS, ids=lambda a: a.name)
def test_each_action_starts_from_the_states_its_transition_allows(action):
    transitions = getattr(Application, action.transition)._django_fsm.transitions
    assert set(action.sources) == set(transitions), action.name


def test_every_staff_transition_of_the_state_machine_has_a_row():
    # Applicant steps and the clock's own step are not staff actions.
    not_staff = {"submit", "resubmit", "withdraw", "auto_accept"}
    staff = {
        name
        for name in dir(Application)
        if hasattr(getattr(Application, name, None), "_django_fsm") and name not in not_staff
    }
    assert staff == {action.transition for action in actions.ACTIONS}


def test_a_clerk_is_offered_the_intake_actions_of_a_submitted_application(permit_item, citizen, clerk):
    application = factories.submitted(permit_item, citizen)
    names = [a.name for a in selectors.staff_actions_for(application, clerk)]
    assert names == ["accept", "request_correction", "reject"]


def test_a_second_correction_round_is_offered_to_supervisors_only(permit_item, citizen, clerk, supervisor):
    application = factories.submitted(permit_item, citizen)
    material = permit_item.materials.first()
    services.application_request_correction(application_id=application.pk, actor=clerk, items=[(material, "", "模糊")])
    services.application_submit(application_id=application.pk, actor=citizen)
    application.refresh_from_db()
    assert "request_correction" not in [a.name for a in selectors.staff_actions_for(application, clerk)]
    assert "request_correction" in [a.name for a in selectors.staff_actions_for(application, supervisor)]


def test_extension_is_not_offered_for_an_item_without_extension_days(permit_item, citizen, clerk, reviewer):
    application = factories.submitted(permit_item, citizen)
    services.application_accept(application_id=application.pk, actor=clerk)
    services.application_claim(application_id=application.pk, actor=reviewer)
    application.refresh_from_db()
    permit_item.extension_days = 0
    permit_item.save()
    names = [a.name for a in selectors.staff_actions_for(application, reviewer)]
    assert "extend" not in names and "approve" in names
    permit_item.extension_days = 10
    permit_item.save()
    application = Application.objects.get(pk=application.pk)
    assert "extend" in [a.name for a in selectors.staff_actions_for(application, reviewer)]


def test_the_admin_page_lists_the_tables_actions_for_the_user(client, permit_item, citizen, clerk):
    application = factories.submitted(permit_item, citizen)
    client.force_login(clerk)
    response = client.get(reverse("admin:approvals_application_change", args=[application.pk]))
    assert [name for name, _label in response.context["staff_actions"]] == ["accept", "request_correction", "reject"]


def test_an_action_not_in_the_table_is_a_404(client, permit_item, citizen, clerk):
    application = factories.submitted(permit_item, citizen)
    client.force_login(clerk)
    response = client.post(reverse("admin:approvals_application_act", args=[application.pk, "submit"]))
    assert response.status_code == 404
    assert Application.objects.get(pk=application.pk).state == State.SUBMITTED
