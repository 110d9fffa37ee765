"""Every write to applications goes through here, whoever calls it (view, admin, task, command)."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from portal import errors, roles
from portal.errors import ActionRefused, AlreadyHandled
from portal.models import User
from portal.services import notification_send

from . import clock, schema
from .models import (
    Application,
    BatchJob,
    BatchJobItem,
    ClockPause,
    CorrectionItem,
    CorrectionNotice,
    MaterialFile,
    ReferenceSequence,
    ServiceItem,
    ServiceMaterial,
    State,
)
from .uploads import check_upload

logger = logging.getLogger(__name__)


class ApplicationIncomplete(errors.ApplicationIncomplete):
    """Submission refused: every missing piece is listed at once."""

    def __init__(self, missing: list[str]):
        super().__init__(_("The application is not complete yet."), missing)


@dataclass
class DraftData:
    """What an applicant can change on a draft (or while correcting)."""

    form_data: dict
    contact_name: str = ""
    contact_phone: str = ""
    delivery_method: str = ""
    delivery_name: str = ""
    delivery_phone: str = ""
    delivery_address: str = ""
    agent_name: str = ""
    agent_id_number: str = ""


def _identity(user: User) -> tuple[str, str, str]:
    """Return the applicant kind, name and ID number or credit code of an account."""
    if user.kind == User.Kind.ENTERPRISE:
        return user.kind, user.organization_name, user.credit_code
    return User.Kind.CITIZEN, user.real_name, user.id_number


def _draft(item: ServiceItem, applicant: User, **fields) -> Application:
    """Return an unsaved draft of an item, with a temporary reference (the real one comes at submission)."""
    return Application(
        reference=f"DRAFT-{secrets.token_hex(6).upper()}",
        item=item,
        department_id=item.department_id,
        applicant=applicant,
        **fields,
    )


def default_delivery(item: ServiceItem) -> str:
    """Return the delivery a new application starts with: courier at level 4, pickup otherwise."""
    return Application.Delivery.COURIER if item.online_depth == 4 else Application.Delivery.PICKUP


def application_start(*, item: ServiceItem, applicant: User, form_token=None) -> Application:
    """Create a draft for an item; the same form token returns the same draft (double click)."""
    if not item.can_apply_online:
        raise ActionRefused(_("This item cannot be applied for online; see its guide for how to apply in the hall."))
    if applicant.kind not in (User.Kind.CITIZEN, User.Kind.ENTERPRISE):
        raise ActionRefused(_("Only citizen and enterprise accounts can apply."))
    if form_token:
        existing = Application.objects.filter(form_token=form_token).first()
        if existing and existing.applicant_id == applicant.pk:
            return existing
        if existing:
            form_token = None  # another account's page re-posted on a shared terminal: start afresh
    kind, name, id_number = _identity(applicant)
    application = _draft(
        item,
        applicant,
        applicant_kind=kind,
        applicant_name=name,
        applicant_id_number=id_number,
        contact_name=applicant.real_name,
        contact_phone=applicant.mobile,
        delivery_method=default_delivery(item),
        delivery_name=applicant.real_name,
        delivery_phone=applicant.mobile,
        form_token=form_token,
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        # Two requests with the same form token at once: the other one created it.
        return Application.objects.get(form_token=form_token, applicant=applicant)
    return application


def _lock(application_id: int) -> Application:
    return Application.objects.select_for_update().select_related("item").get(pk=application_id)


def _require_editable(application: Application, actor: User) -> None:
    if not application.editable_by_applicant:
        raise AlreadyHandled(
            _("This application is %(state)s and can no longer be changed.")
            % {"state": application.get_state_display()}
        )
    if not _acts_for_applicant(application, actor):
        raise ActionRefused(_("Only the applicant can change this application."))


def _acts_for_applicant(application: Application, actor: User) -> bool:
    """Return whether the actor is the applicant, or a window clerk handling a walk-in application."""
    if actor.pk == application.applicant_id:
        return True
    return application.channel == Application.Channel.WINDOW and actor.has_perm("approvals.intake_application")


def application_update(*, application: Application, actor: User, data: DraftData) -> Application:
    """Save what the applicant typed on a draft or an application under correction."""
    with transaction.atomic():
        locked = _lock(application.pk)
        _require_editable(locked, actor)
        fields = {f["key"]: f for f in locked.item.extra_fields}
        locked.form_data = {key: value for key, value in data.form_data.items() if key in fields}
        locked.contact_name = data.contact_name
        locked.contact_phone = data.contact_phone
        if locked.item.online_depth == 4 and data.delivery_method in Application.Delivery.values:
            locked.delivery_method = data.delivery_method
        elif locked.item.online_depth != 4:
            locked.delivery_method = Application.Delivery.PICKUP
        locked.delivery_name = data.delivery_name
        locked.delivery_phone = data.delivery_phone
        locked.delivery_address = data.delivery_address
        locked.agent_name = data.agent_name
        locked.agent_id_number = data.agent_id_number
        locked.save()
    return locked


def application_add_file(*, application: Application, material: ServiceMaterial, uploaded, actor: User) -> MaterialFile:
    """Check an upload by its content and attach it to a material of the application."""
    if material.item_id != application.item_id:
        raise ActionRefused(_("This material does not belong to the item applied for."))
    if application.files.filter(material=material).count() >= settings.UPLOAD_MAX_FILES_PER_MATERIAL:
        raise ValidationError(
            _("File “%(name)s”: at most %(n)d files can be uploaded for “%(material)s”; remove one first.")
            % {"name": uploaded.name, "n": settings.UPLOAD_MAX_FILES_PER_MATERIAL, "material": material.name}
        )
    checked = check_upload(uploaded, accepted=material.format_list, max_bytes=material.max_bytes)
    with transaction.atomic():
        locked = _lock(application.pk)
        _require_editable(locked, actor)
        record = MaterialFile(
            application=locked,
            material=material,
            original_name=(uploaded.name or "")[-200:],
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=actor,
        )
        record.file.save("upload", uploaded, save=False)
        try:
            record.save()
        except Exception:
            record.file.delete(save=False)
            raise
    return record


def application_add_uploads(*, application: Application, files, actor: User) -> list[str]:
    """Attach every uploaded file of a form (``material_<id>`` inputs); return why any was refused."""
    refused = []
    for material in application.item.materials.all():
        for uploaded in files.getlist(f"material_{material.pk}"):
            try:
                application_add_file(application=application, material=material, uploaded=uploaded, actor=actor)
            except ValidationError as error:
                refused.extend(error.messages)
    return refused


def application_remove_file(*, application: Application, file_id: int, actor: User) -> None:
    """Remove an uploaded file from a draft or an application under correction."""
    with transaction.atomic():
        locked = _lock(application.pk)
        _require_editable(locked, actor)
        record = locked.files.filter(pk=file_id).first()
        if record is None:
            raise AlreadyHandled(_("This file has already been removed."))
        stored = record.file.name
        record.delete()
        storage = record.file.storage
        transaction.on_commit(lambda: storage.delete(stored))


def application_missing(application: Application) -> list[str]:
    """Return everything that is missing before the application can be submitted."""
    from .material_sources import provided_materials

    missing = []
    uploaded = set(application.files.values_list("material_id", flat=True))
    uploaded |= set(provided_materials(application))  # the city already holds them (证照免提交)
    for material in application.item.materials.all():
        if material.required and material.pk not in uploaded:
            missing.append(_("Material “%(name)s”: no file uploaded.") % {"name": material.name})
    for label in schema.missing_values(application.item.extra_fields, application.form_data):
        missing.append(_("“%(label)s”: not filled in.") % {"label": label})
    if not application.contact_name.strip():
        missing.append(_("Contact person: not filled in."))
    if not application.contact_phone.strip():
        missing.append(_("Contact phone: not filled in."))
    if application.delivery_method == Application.Delivery.COURIER:
        for value, label in (
            (application.delivery_name, _("Recipient")),
            (application.delivery_phone, _("Recipient phone")),
            (application.delivery_address, _("Delivery address")),
        ):
            if not value.strip():
                missing.append(_("%(label)s: needed for the courier.") % {"label": label})
    return missing


def _next_reference(item: ServiceItem, day) -> str:
    """Return the next reference of an item for a day; the row lock makes concurrent calls wait."""
    key = f"{item.code}-{day:%Y%m%d}"
    ReferenceSequence.objects.bulk_create([ReferenceSequence(key=key, last=0)], ignore_conflicts=True)
    ReferenceSequence.objects.filter(key=key).update(last=F("last") + 1)
    number = ReferenceSequence.objects.get(key=key).last
    return f"{key}-{number:04d}"


def application_submit(*, application_id: int, actor: User) -> Application:
    """Submit a draft, or resubmit after a correction notice, once everything is complete."""
    with transaction.atomic():
        application = _lock(application_id)
        if application.state not in (State.DRAFT, State.NEEDS_CORRECTION):
            raise AlreadyHandled(
                _("This application has already been submitted (it is now: %(state)s).")
                % {"state": application.get_state_display()}
            )
        transition = application.submit if application.state == State.DRAFT else application.resubmit
        if not has_transition_perm(transition, actor):
            raise ActionRefused(_("Only the applicant can submit this application."))
        if application.channel == Application.Channel.ONLINE and not application.item.can_apply_online:
            raise ActionRefused(
                _("This item can no longer be applied for online; please apply at the hall (see its guide).")
            )
        missing = application_missing(application)
        if missing:
            raise ApplicationIncomplete(missing)
        now = timezone.now()
        if application.state == State.DRAFT:
            reference = _next_reference(application.item, timezone.localdate(now))
            application.submit(by=actor, at=now, reference=reference)
            clock.clock_on_submit(application, now)
        else:
            application.resubmit(by=actor, at=now)
            application.correction_notices.filter(resolved_at__isnull=True).update(resolved_at=now)
            clock.clock_resume(application, actor=actor, now=now)
        application.save()
        clock.raise_alert_if_due(application)
    return application


def application_withdraw(*, application_id: int, actor: User, reason: str = "") -> Application:
    """Withdraw an application that no decision has been taken on."""
    with transaction.atomic():
        application = _lock(application_id)
        if not has_transition_perm(application.withdraw, actor):
            if application.state == State.WITHDRAWN:
                raise AlreadyHandled(_("This application has already been withdrawn."))
            raise AlreadyHandled(
                _("This application is %(state)s and can no longer be withdrawn.")
                % {"state": application.get_state_display()}
            )
        application.withdraw(by=actor, at=timezone.now(), description=reason.strip() or None)
        clock.clock_stop(application)
        application.save()
        application.pauses.filter(ended_at__isnull=True).update(ended_at=timezone.now(), ended_by=actor)
    return application


def _notify_applicant(application: Application, *, kind: str, title: str, body: str = "") -> None:
    notification_send(
        user=application.applicant, kind=kind, title=title, body=body, link=application.get_absolute_url()
    )


def _already_handled(application: Application) -> AlreadyHandled:
    return AlreadyHandled(
        _("This application was already handled by someone else: it is now %(state)s.")
        % {"state": application.get_state_display()}
    )


def _transition(application_id: int, actor: User, name: str, **kwargs) -> Application:
    """Lock the application, check state and permission, and run one transition (not saved yet)."""
    application = _lock(application_id)
    method = getattr(application, name)
    if not can_proceed(method, check_conditions=False):
        raise _already_handled(application)
    if not has_transition_perm(method, actor):
        if not can_proceed(method):
            raise ActionRefused(_("This step is not possible for this application any more."))
        raise ActionRefused(_("You are not allowed to do this for this application."))
    method(by=actor, **kwargs)
    return application


def application_request_correction(
    *, application_id: int, actor: User, items: list[tuple[ServiceMaterial | None, str, str]]
) -> CorrectionNotice:
    """Send back a submitted application with a one-time notice of everything to correct.

    ``items`` holds (material, field key, reason) triples, at least one; a field key names
    one of the item's extra fields. A second round needs the supervisor's permission and is
    flagged for supervision.
    """
    items = [(material, key, reason.strip()) for material, key, reason in items if reason.strip()]
    if not items:
        raise ActionRefused(_("A correction notice lists at least one material or field with its reason."))
    if _intake_is_late(application_id):
        raise ActionRefused(str(LATE_INTAKE))
    with transaction.atomic():
        application = _lock(application_id)
        rounds = application.correction_notices.count()
        if not rounds and not actor.has_perm("approvals.intake_application"):
            raise ActionRefused(_("You are not allowed to do this for this application."))
        if rounds and not actor.has_perm("approvals.approve_second_correction"):
            raise ActionRefused(
                _(
                    "This application has already had a correction notice; a second round needs the approval of "
                    "a supervisor (效能监察)."
                )
            )
        with translation.override(settings.LANGUAGE_CODE):  # the log is read by the applicant, in Chinese
            description = _("Correction notice no. %(n)d") % {"n": rounds + 1}
        application = _transition(application_id, actor, "request_correction", description=description)
        labels = {f["key"]: f["label"] for f in application.item.extra_fields}
        notice = CorrectionNotice.objects.create(
            application=application, round=rounds + 1, issued_by=actor, flagged_for_supervision=rounds > 0
        )
        CorrectionItem.objects.bulk_create(
            CorrectionItem(
                notice=notice,
                material=material,
                field_key=key,
                field_label=labels.get(key, key),
                reason=reason,
            )
            for material, key, reason in items
        )
        if rounds:
            application.flagged_for_supervision = True
        clock.clock_pause(application, kind=ClockPause.Kind.CORRECTION, reason=description, actor=actor)
        application.save()
        _notify_applicant(
            application,
            kind="correction",
            title=_("Your application %(reference)s needs corrections") % {"reference": application.reference},
            body="\n".join(f"- {labels.get(k, m.name if m else k)}: {r}" for m, k, r in items),
        )
    return notice


def _decide(application_id: int, actor: User, name: str, *, title, reason: str | None = None) -> Application:
    """Run a transition that decides something and tell the applicant about it."""
    if reason is not None and not reason.strip():
        raise ActionRefused(
            _("A rejection states its reasons.") if name == "reject" else _("A denial states its reasons.")
        )
    extra = {"reason": reason.strip()} if reason is not None else {}
    with transaction.atomic():
        now = timezone.now()
        application = _transition(application_id, actor, name, at=now, **extra)
        if name == "accept":
            clock.clock_on_accept(application, now)
        else:
            clock.clock_stop(application)
        application.save()
        if name == "approve":
            # The one call approvals makes into licenses: the certificate and its print job,
            # in the same transaction as the decision.
            from licenses.services import certificate_issue_for

            certificate_issue_for(application)
        clock.raise_alert_if_due(application)
        _notify_applicant(
            application, kind=name, title=title % {"reference": application.reference}, body=extra.get("reason", "")
        )
    return application


def _intake_is_late(application_id: int) -> bool:
    return Application.objects.filter(
        pk=application_id, state=State.SUBMITTED, intake_due_at__lt=timezone.now()
    ).exists()


LATE_INTAKE = _(
    "The 5 working days for intake have passed: by law the application counts as accepted from the day it was "
    "received (Art. 32). Accept it, and raise any defect in the review."
)


def application_accept(*, application_id: int, actor: User) -> Application:
    """Accept a submitted application (受理); after the intake deadline, as of the day it was received."""
    if _intake_is_late(application_id) and actor.has_perm("approvals.intake_application"):
        return application_auto_accept(application_id=application_id)
    return _decide(application_id, actor, "accept", title=_("Your application %(reference)s has been accepted"))


def application_reject(*, application_id: int, actor: User, reason: str) -> Application:
    """Refuse to accept a submitted application (不予受理), stating reasons and the legal remedy."""
    if _intake_is_late(application_id):
        raise ActionRefused(str(LATE_INTAKE))
    return _decide(
        application_id, actor, "reject", title=_("Your application %(reference)s was not accepted"), reason=reason
    )


def application_auto_accept(*, application_id: int) -> Application:
    """Accept by law an application whose intake deadline has passed (Art. 32); alert the clerks."""
    with transaction.atomic():
        application = _lock(application_id)
        now = timezone.now()
        if application.state != State.SUBMITTED or not application.intake_due_at or application.intake_due_at >= now:
            raise AlreadyHandled(_("This application is no longer waiting for intake."))
        with translation.override(settings.LANGUAGE_CODE):
            description = _(
                "Accepted automatically: not handled within 5 working days of receipt, so it counts as accepted "
                "from the day it was received (Administrative Licensing Law, Art. 32)."
            )
        application.auto_accept(by=None, description=description)
        clock.clock_on_accept(application, now)
        application.save()
        clock.raise_alert_if_due(application)
        _notify_applicant(
            application,
            kind="accept",
            title=_("Your application %(reference)s has been accepted") % {"reference": application.reference},
        )
        with translation.override(settings.LANGUAGE_CODE):
            title = _("Accepted automatically after the intake deadline: %(reference)s") % {
                "reference": application.reference
            }
        for clerk in User.objects.filter(is_active=True, groups__name__in=[roles.CLERK, roles.SUPERVISOR]).distinct():
            notification_send(
                user=clerk,
                kind="auto_accepted",
                title=title,
                body=application.item.name,
                link=f"/admin/approvals/application/{application.pk}/change/",
            )
    return application


def application_accept_late_intake(application_id: int) -> str | None:
    """Accept by law when the intake deadline passed (the clock's handler); None if a clerk acted first."""
    try:
        return application_auto_accept(application_id=application_id).reference
    except ActionRefused:
        return None


def application_claim(*, application_id: int, actor: User) -> Application:
    """Take an accepted application of the reviewer's department into review."""
    with transaction.atomic():
        application = _transition(application_id, actor, "claim")
        application.save()
    return application


def application_suspend(*, application_id: int, actor: User, kind: str, reason: str, expected_days: int) -> ClockPause:
    """Suspend the clock for a hearing, testing, inspection, appraisal or expert review."""
    if (
        kind not in ClockPause.Kind.values
        or kind == ClockPause.Kind.CORRECTION
        or not reason.strip()
        or expected_days < 1
    ):
        raise ActionRefused(_("A suspension states its kind, its reason and the expected working days."))
    with transaction.atomic():
        application = _transition(application_id, actor, "suspend", description=reason.strip())
        pause = clock.clock_pause(
            application, kind=kind, reason=reason.strip(), actor=actor, expected_days=expected_days
        )
        application.save()
        _notify_applicant(
            application,
            kind="suspended",
            title=_("The time limit of your application %(reference)s is suspended")
            % {"reference": application.reference},
            body=_("%(kind)s: %(reason)s. Expected to take %(days)d working days; this time does not count.")
            % {"kind": pause.get_kind_display(), "reason": pause.reason, "days": expected_days},
        )
    return pause


def application_resume(*, application_id: int, actor: User) -> Application:
    """End a suspension: the clock runs again."""
    with transaction.atomic():
        application = _transition(application_id, actor, "resume")
        clock.clock_resume(application, actor=actor, now=timezone.now())
        application.save()
        clock.raise_alert_if_due(application)
        _notify_applicant(
            application,
            kind="resumed",
            title=_("The review of your application %(reference)s has resumed") % {"reference": application.reference},
        )
    return application


def application_extend(*, application_id: int, actor: User, reason: str, approved_by: str) -> Application:
    """Extend the decision deadline once by the item's extension days, with the reason and the approver."""
    if not reason.strip() or not approved_by.strip():
        raise ActionRefused(_("An extension states its reason and who approved it."))
    with transaction.atomic():
        application = _lock(application_id)
        if application.extended_at is not None:
            raise AlreadyHandled(_("This application has already been extended once; the law allows one extension."))
        days = application.item.extension_days
        if not days:
            raise ActionRefused(_("This item allows no extension of its time limit."))
        application = _transition(
            application_id,
            actor,
            "extend",
            at=timezone.now(),
            days=days,
            reason=reason.strip(),
            approved_by=approved_by.strip(),
            description=reason.strip(),
        )
        clock.clock_on_extend(application, days, timezone.now())
        application.save()
        _notify_applicant(
            application,
            kind="extended",
            title=_("The time limit of your application %(reference)s is extended by %(days)d working days")
            % {"reference": application.reference, "days": days},
            body=reason.strip(),
        )
    return application


def application_approve(*, application_id: int, actor: User) -> Application:
    """Grant the permit (准予许可)."""
    return _decide(application_id, actor, "approve", title=_("Your application %(reference)s has been approved"))


def application_deny(*, application_id: int, actor: User, reason: str) -> Application:
    """Refuse the permit (不予许可), stating reasons and the legal remedy."""
    return _decide(
        application_id, actor, "deny", title=_("Your application %(reference)s has been denied"), reason=reason
    )


def walk_in_applicant(*, kind: str, id_number: str, name: str, mobile: str) -> User:
    """Return the account of a visitor at the hall, creating one without a password if needed.

    The visitor can later register online with the same identity and finds the
    application in their personal centre (see portal.forms registration).
    """
    if kind == User.Kind.ENTERPRISE:
        user = User.objects.filter(credit_code=id_number).first()
        fields = {"organization_name": name, "credit_code": id_number}
    else:
        user = User.objects.filter(id_number=id_number).first()
        fields = {"real_name": name, "id_number": id_number}
    if user is not None:
        if user.kind != kind:
            raise ActionRefused(_("This number belongs to an account of another kind."))
        return user
    user = User(username=f"{kind}-{id_number}".lower(), kind=kind, mobile=mobile, **fields)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Another clerk registered the same visitor a moment ago.
        lookup = {"credit_code": id_number} if kind == User.Kind.ENTERPRISE else {"id_number": id_number}
        return User.objects.get(**lookup)
    return user


def application_start_walk_in(
    *, clerk: User, item: ServiceItem, kind: str, id_number: str, name: str, contact_name: str, mobile: str
) -> Application:
    """Open a walk-in application (channel: hall window) that the clerk fills in and submits."""
    if not clerk.has_perm("approvals.intake_application"):
        raise ActionRefused(_("Only window clerks file walk-in applications."))
    with transaction.atomic():
        applicant = walk_in_applicant(kind=kind, id_number=id_number, name=name, mobile=mobile)
        application = _draft(
            item,
            applicant,
            applicant_kind=kind,
            applicant_name=name,
            applicant_id_number=id_number,
            contact_name=contact_name or (name if kind == User.Kind.CITIZEN else ""),
            contact_phone=mobile,
            channel=Application.Channel.WINDOW,
            delivery_method=Application.Delivery.PICKUP,
            created_by=clerk,
        )
        application.save()
    return application


# --- batch approval ------------------------------------------------------------------------


def batch_job_create(*, actor: User, application_ids: list[int]) -> BatchJob:
    """Record a batch approval of the given applications by a reviewer."""
    if not actor.has_perm("approvals.review_application") or not actor.department_id:
        raise ActionRefused(_("Only reviewers of a department approve in batches."))
    ids = list(dict.fromkeys(int(pk) for pk in application_ids))
    return BatchJob.objects.create(
        created_by=actor, department_id=actor.department_id, application_ids=ids, total=len(ids)
    )


def batch_job_resume(*, job_id: int, actor: User) -> BatchJob:
    """Queue an unfinished batch approval to run again from where it stopped (e.g. after its worker died).

    Who may: a reviewer (the review permission) who started the batch or works in its
    department, so a colleague can take over; a superuser, for operations, as the admin
    allowed before. Supervisors see every batch but take no decisions, so they do not
    resume one. The run still approves in the name of the reviewer who started it and
    skips what this batch already handled, so resuming a batch that is in fact still
    running approves nothing twice.
    """
    from . import tasks

    with transaction.atomic():
        job = BatchJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            raise AlreadyHandled(_("This batch no longer exists."))
        allowed = actor.is_superuser or (
            actor.has_perm("approvals.review_application")
            and (actor.pk == job.created_by_id or actor.department_id == job.department_id)
        )
        if not allowed:
            raise ActionRefused(_("Only reviewers of the department that started this batch can resume it."))
        if job.status == BatchJob.Status.DONE:
            raise AlreadyHandled(
                _("This batch has already finished: %(done)d approved, %(skipped)d skipped.")
                % {"done": job.done, "skipped": job.failed}
            )
        job.status = BatchJob.Status.PENDING
        job.save(update_fields=["status"])
        transaction.on_commit(lambda: tasks.batch_approve_run.delay(job.pk))
    return job


def _batch_approve_one(job: BatchJob, application_id: int) -> None:
    """Approve one application of a batch and record the outcome in the same transaction."""
    try:
        with transaction.atomic():
            application_approve(application_id=application_id, actor=job.created_by)
            BatchJobItem.objects.create(job=job, application_id=application_id, approved=True)
            BatchJob.objects.filter(pk=job.pk).update(done=F("done") + 1)
    except Exception as error:  # one bad application must not stop the batch
        message = getattr(error, "message", None)
        if message is None:
            logger.exception("Batch %s: approving application %s failed", job.pk, application_id)
            message = str(_("Could not be approved because of an internal error; please approve it on its own."))
        with transaction.atomic():
            _item, created = BatchJobItem.objects.get_or_create(
                job=job, application_id=application_id, defaults={"approved": False, "message": message[:300]}
            )
            if created:
                BatchJob.objects.filter(pk=job.pk).update(failed=F("failed") + 1)


def batch_job_run(*, job_id: int) -> BatchJob:
    """Run (or resume) a batch approval: applications already handled by this job are skipped."""
    claimed = BatchJob.objects.filter(pk=job_id).exclude(status=BatchJob.Status.DONE)
    if not claimed.update(status=BatchJob.Status.RUNNING):
        return BatchJob.objects.get(pk=job_id)
    job = BatchJob.objects.select_related("created_by").get(pk=job_id)
    handled = set(job.items.values_list("application_id", flat=True))
    existing = set(Application.objects.filter(pk__in=job.application_ids).values_list("pk", flat=True))
    for application_id in job.application_ids:
        if application_id in handled:
            continue
        if application_id not in existing:
            # Deleted since it was selected: nothing to record an outcome against.
            BatchJob.objects.filter(pk=job.pk).update(failed=F("failed") + 1)
            continue
        _batch_approve_one(job, application_id)
    BatchJob.objects.filter(pk=job.pk).update(status=BatchJob.Status.DONE, finished_at=timezone.now())
    job.refresh_from_db()
    return job
