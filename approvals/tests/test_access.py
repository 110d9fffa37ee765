"""Another user's application, draft, material or timeline is a 404 on every URL and action."""

import pytest
from django.urls import reverse
from django_fsm_log.models import StateLog

from approvals import services
from approvals.models import Application, MaterialFile, State
from approvals.tests import factories
from portal import errors

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["submitted", "draft"])
def alices(request, citizen, permit_item):
    if request.param == "draft":
        return factories.complete_draft(permit_item, citizen)
    return factories.submitted(permit_item, citizen)


def _urls(application):
    record = application.files.first()
    ref = application.reference
    return {
        "detail": ("get", reverse("approvals:application_detail", args=[ref])),
        "edit": ("get", reverse("approvals:application_edit", args=[ref])),
        "edit-post": ("post", reverse("approvals:application_edit", args=[ref])),
        "withdraw": ("get", reverse("approvals:application_withdraw", args=[ref])),
        "withdraw-post": ("post", reverse("approvals:application_withdraw", args=[ref])),
        "download": ("get", reverse("approvals:material_download", args=[ref, record.pk])),
        "delete-file": ("post", reverse("approvals:material_delete", args=[ref, record.pk])),
    }


# A complete, valid edit that would submit a draft, and a withdrawal reason: if any check let
# them through, the snapshot below would change.
HOSTILE_POST = {
    "action": "submit",
    "contact_name": "冒名者",
    "contact_phone": "13900000000",
    "f_parcel_no": "330102001001GB09999",
    "f_floor_area": "99",
    "delivery_method": "pickup",
    "delivery_name": "冒名者",
    "delivery_phone": "13900000000",
    "delivery_address": "别处",
    "reason": "不想办了",
}


def _snapshot(application):
    """Return everything a request on the application could change: its row, its files, its log."""
    row = Application.objects.filter(pk=application.pk).values().get()
    return {
        "state": row["state"],
        "form_data": row["form_data"],
        "contact": {name: row[name] for name in row if name.startswith(("contact_", "delivery_"))},
        "withdrawn_at": row["withdrawn_at"],
        "submitted_at": row["submitted_at"],
        "row": row,
        "files": list(
            MaterialFile.objects.filter(application=application)
            .order_by("pk")
            .values_list("pk", "material_id", "file", "sha256", "size")
        ),
        "log": list(StateLog.objects.for_(application).order_by("pk").values_list("transition", "state")),
    }


@pytest.mark.parametrize(
    "name", ["detail", "edit", "edit-post", "withdraw", "withdraw-post", "download", "delete-file"]
)
def test_another_citizen_gets_404(client, alices, other_citizen, name):
    before = _snapshot(alices)
    assert len(before["files"]) == 2
    client.force_login(other_citizen)
    method, url = _urls(alices)[name]
    response = getattr(client, method)(url, HOSTILE_POST if method == "post" else None)
    assert _snapshot(alices) == before
    assert response.status_code == 404


@pytest.mark.parametrize("actor", ["enterprise", "clerk", "reviewer", "supervisor"])
def test_other_accounts_get_404_on_the_public_pages(client, alices, actor, request):
    before = _snapshot(alices)
    client.force_login(request.getfixturevalue(actor))
    for method, url in _urls(alices).values():
        response = getattr(client, method)(url, HOSTILE_POST if method == "post" else None)
        assert _snapshot(alices) == before, url
        assert response.status_code == 404, url


def test_anonymous_visitors_are_sent_to_log_in(client, alices):
    for method, url in _urls(alices).values():
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_material_of_one_application_is_404_under_another_reference(client, citizen, permit_item):
    first = factories.submitted(permit_item, citizen)
    second = factories.submitted(permit_item, citizen)
    client.force_login(citizen)
    url = reverse("approvals:material_download", args=[second.reference, first.files.first().pk])
    assert client.get(url).status_code == 404


def test_another_citizen_cannot_submit_or_withdraw_through_the_services(citizen, other_citizen, permit_item):
    draft = factories.complete_draft(permit_item, citizen)
    with pytest.raises(errors.ActionRefused):
        services.application_submit(application_id=draft.pk, actor=other_citizen)
    with pytest.raises(errors.ActionRefused):
        services.application_withdraw(application_id=draft.pk, actor=other_citizen)
    assert Application.objects.get().state == State.DRAFT


def test_every_form_carries_a_csrf_token(client, citizen, permit_item):
    client.force_login(citizen)
    application = factories.complete_draft(permit_item, citizen)
    for url in (
        reverse("approvals:apply", args=[permit_item.code]),
        reverse("approvals:application_edit", args=[application.reference]),
        reverse("approvals:application_withdraw", args=[application.reference]),
        reverse("approvals:track"),
    ):
        content = client.get(url, follow=True).content.decode()
        assert "<form" in content, url
        assert content.count("<form") == content.count("csrfmiddlewaretoken") + content.count('method="get"'), url
