"""The staff actions on an application: one table that the admin, the selectors and the tests read.

Each row names the action, its label, the transition it runs and the states it starts from,
the permission it needs beyond the transition's own check, the form it asks for (if any) and
the service that does the work. Adding a staff step means adding a row here; which rows
are open to a user on an application is read by ``selectors.staff_actions_for``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import User

from . import services
from .forms import CorrectionFormSet, ExtendForm, ReasonForm, SuspendForm, correction_targets
from .models import Application, State


@dataclass(frozen=True)
class StaffAction:
    name: str
    label: str
    transition: str  # the Application method the service runs
    sources: tuple[str, ...]  # the states it starts from (the transition's own sources; a test checks)
    run: Callable[[Application, User, dict], object]  # call the service with the form's cleaned data
    form: Callable[[dict | None, Application], forms.Form | forms.BaseFormSet] | None = None
    # Beyond the transition's permission: may this user take this step on this application now?
    allowed: Callable[[Application, User], bool] | None = None
    # Reject and deny show the applicant's legal remedies before they are confirmed (Art. 38).
    states_remedy: bool = False


def _correction_items(application: Application, rows: list[dict]) -> list:
    """Turn the correction form's rows ("m:<material id>" or "f:<field key>", reason) into service items."""
    materials = {m.pk: m for m in application.item.materials.all()}
    items = []
    for row in rows:
        target = row.get("target")
        if not target:
            continue
        kind, _sep, value = target.partition(":")
        material = materials.get(int(value)) if kind == "m" else None
        items.append((material, value if kind == "f" else "", row["reason"]))
    return items


def _reason_form(data, application):
    return ReasonForm(data)


ACTIONS: list[StaffAction] = [
    StaffAction(
        name="accept",
        label=_("Accept"),
        transition="accept",
        sources=(State.SUBMITTED,),
        run=lambda app, user, data: services.application_accept(application_id=app.pk, actor=user),
    ),
    StaffAction(
        name="request_correction",
        label=_("Request correction (one-time notice)"),
        transition="request_correction",
        sources=(State.SUBMITTED,),
        form=lambda data, app: CorrectionFormSet(data, form_kwargs={"targets": correction_targets(app.item)}),
        run=lambda app, user, rows: services.application_request_correction(
            application_id=app.pk, actor=user, items=_correction_items(app, rows)
        ),
        allowed=services.may_request_correction,
    ),
    StaffAction(
        name="reject",
        label=_("Reject (不予受理)"),
        transition="reject",
        sources=(State.SUBMITTED,),
        form=_reason_form,
        run=lambda app, user, data: services.application_reject(
            application_id=app.pk, actor=user, reason=data["reason"]
        ),
        states_remedy=True,
    ),
    StaffAction(
        name="claim",
        label=_("Claim for review"),
        transition="claim",
        sources=(State.ACCEPTED,),
        run=lambda app, user, data: services.application_claim(application_id=app.pk, actor=user),
    ),
    StaffAction(
        name="suspend",
        label=_("Suspend the clock"),
        transition="suspend",
        sources=(State.IN_REVIEW,),
        form=lambda data, app: SuspendForm(data),
        run=lambda app, user, data: services.application_suspend(application_id=app.pk, actor=user, **data),
    ),
    StaffAction(
        name="resume",
        label=_("Resume"),
        transition="resume",
        sources=(State.SUSPENDED,),
        run=lambda app, user, data: services.application_resume(application_id=app.pk, actor=user),
    ),
    StaffAction(
        name="extend",
        label=_("Extend the time limit"),
        transition="extend",
        sources=(State.IN_REVIEW,),
        form=lambda data, app: ExtendForm(data),
        run=lambda app, user, data: services.application_extend(application_id=app.pk, actor=user, **data),
        allowed=lambda app, user: bool(app.item.extension_days),
    ),
    StaffAction(
        name="approve",
        label=_("Approve"),
        transition="approve",
        sources=(State.IN_REVIEW,),
        run=lambda app, user, data: services.application_approve(application_id=app.pk, actor=user),
    ),
    StaffAction(
        name="deny",
        label=_("Deny (不予许可)"),
        transition="deny",
        sources=(State.IN_REVIEW,),
        form=_reason_form,
        run=lambda app, user, data: services.application_deny(application_id=app.pk, actor=user, reason=data["reason"]),
        states_remedy=True,
    ),
]

STAFF_ACTIONS: dict[str, StaffAction] = {action.name: action for action in ACTIONS}
