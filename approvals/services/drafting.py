"""The applicant's side: drafts, uploads, submission and resubmission, withdrawal."""

from __future__ import annotations

import logging
import re
import secrets
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import has_transition_perm

from portal import errors
from portal.errors import ActionRefused, AlreadyHandled, QuotaExceeded
from portal.models import User

from .. import clock, quotas, schema
from ..material_sources import provided_materials
from ..models import (
    Application,
    MaterialFile,
    ReferenceSequence,
    ServiceItem,
    ServiceMaterial,
    State,
)
from ..uploads import check_upload, clean_original_name
from .common import _lock

logger = logging.getLogger(__name__)

_HEX = re.compile(r"[0-9A-Fa-f]+")


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


DRAFT_PREFIX = "DRAFT-"


def _draft(item: ServiceItem, applicant: User, **fields) -> Application:
    """Return an unsaved draft of an item, with a temporary reference (the real one comes at submission).

    A draft started from the apply form takes its temporary reference from its form token, so
    an address with the old reference (the Back button, a bookmark) still finds it once submitted
    (``application_find_by_draft_reference``).
    """
    token = fields.get("form_token")
    return Application(
        reference=f"{DRAFT_PREFIX}{(token.hex if token else secrets.token_hex(6))[:12].upper()}",
        item=item,
        department_id=item.department_id,
        applicant=applicant,
        **fields,
    )


def default_delivery(item: ServiceItem) -> str:
    """Return the delivery a new application starts with: courier at level 4, pickup otherwise."""
    return Application.Delivery.COURIER if item.online_depth == 4 else Application.Delivery.PICKUP


def application_start(*, item: ServiceItem, applicant: User, form_token=None, limit_drafts: bool = True) -> Application:
    """Create a draft for an item; the same form token returns the same application (double click, Back).

    An account keeps at most UPLOAD_MAX_OPEN_DRAFTS drafts open (QuotaExceeded past it); only the
    demo loader, which files hundreds of applications as drafts first, passes ``limit_drafts=False``.
    """
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
    form_token = uuid.UUID(str(form_token)) if form_token else uuid.uuid4()
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
            _lock_account(applicant)  # two new drafts at once are counted one after the other
            if limit_drafts and quotas.open_drafts(applicant) >= settings.UPLOAD_MAX_OPEN_DRAFTS:
                raise QuotaExceeded(quotas.drafts_limit_message())
            application.save()
    except IntegrityError:
        # Two requests with the same form token at once: the other one created it.
        return Application.objects.get(form_token=form_token, applicant=applicant)
    return application


def _lock_account(user: User) -> None:
    """Lock the account's row, so the limits of one account are checked one request at a time."""
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()


def application_find_by_draft_reference(*, applicant: User, reference: str) -> Application | None:
    """Return the applicant's application that had this temporary reference before it was submitted."""
    prefix = reference.removeprefix(DRAFT_PREFIX)
    if not reference.startswith(DRAFT_PREFIX) or len(prefix) != 12 or not _HEX.fullmatch(prefix):
        return None
    # The tokens that begin with these 12 hex digits form one range (UUIDs sort by their hex digits).
    low, high = uuid.UUID(prefix + "0" * 20), uuid.UUID(prefix + "f" * 20)
    return Application.objects.filter(applicant=applicant, form_token__gte=low, form_token__lte=high).first()


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
        own = actor.pk == application.applicant_id
        if own:
            # Account first, then the application: the order application_start takes them in.
            _lock_account(actor)
        locked = _lock(application.pk)
        _require_editable(locked, actor)
        if own:
            # The applicant's own uploads count against the account (a clerk's walk-in filing does not).
            remaining = quotas.remaining_bytes(actor)
            if checked.size > remaining:
                raise ValidationError(
                    quotas.bytes_limit_message(names=[uploaded.name], remaining=remaining), code="quota"
                )
        record = MaterialFile(
            application=locked,
            material=material,
            original_name=clean_original_name(uploaded.name),
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


def reference_next(item: ServiceItem, day) -> str:
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
            reference = reference_next(application.item, timezone.localdate(now))
            application.submit(by=actor, at=now, reference=reference)
            clock.clock_on_submit(application, now)
        else:
            application.resubmit(by=actor, at=now)
            application.correction_notices.filter(resolved_at__isnull=True).update(resolved_at=now)
            clock.clock_resume(application, actor=actor, now=now)
        application.save()
        clock.raise_alert_if_due(application)
    return application


@dataclass
class SaveOutcome:
    """What became of one save of the apply form."""

    application: Application
    file_errors: list[str]
    missing: list[str]
    submitted: bool


def application_save(*, application_id: int, actor: User, data: DraftData, files, submit: bool) -> SaveOutcome:
    """Save what the applicant typed and uploaded, then submit if asked, all under the draft's row lock.

    A second request for the same draft (a double click, two tabs, the Back button, a refreshed
    POST) waits for the first one and then finds the application submitted: it gets
    AlreadyHandled and changes nothing, so no upload is attached twice and nothing is filed twice.
    What was typed is kept as a draft even when the submission is refused.
    """
    refused = None
    with transaction.atomic():
        # The account's row before the application's, as application_start and the uploads take
        # them: the other order let a second post of the same form (a double click) deadlock on
        # PostgreSQL, one request holding the account and inserting the draft, the other holding
        # the draft it had just updated and waiting for the account.
        _lock_account(actor)
        locked = _lock(application_id)
        _require_editable(locked, actor)
        application = application_update(application=locked, actor=actor, data=data)
        file_errors = application_add_uploads(application=application, files=files, actor=actor)
        missing, submitted = [], False
        if submit and not file_errors:
            try:
                with transaction.atomic():
                    application = application_submit(application_id=application.pk, actor=actor)
                submitted = True
            except ApplicationIncomplete as incomplete:
                missing = incomplete.missing
            except ActionRefused as error:
                refused = error
    if refused is not None:
        raise refused
    return SaveOutcome(application=application, file_errors=file_errors, missing=missing, submitted=submitted)


def application_withdraw(*, application_id: int, actor: User, reason: str = "") -> Application:
    """Withdraw an application that no decision has been taken on; a draft's uploads are deleted with it.

    A draft was never filed: its files are nobody's record, and kept they would leave the
    account's upload quota (which counts applications under way only) free again at every
    withdrawal, with the bytes still on disk. Files of an application withdrawn after its
    submission stay: they are part of the case record.
    """
    with transaction.atomic():
        application = _lock(application_id)
        if not has_transition_perm(application.withdraw, actor):
            if application.state == State.WITHDRAWN:
                raise AlreadyHandled(_("This application has already been withdrawn."))
            raise AlreadyHandled(
                _("This application is %(state)s and can no longer be withdrawn.")
                % {"state": application.get_state_display()}
            )
        was_draft = application.state == State.DRAFT
        application.withdraw(by=actor, at=timezone.now(), description=reason.strip() or None)
        clock.clock_stop(application)
        application.save()
        application.pauses.filter(ended_at__isnull=True).update(ended_at=timezone.now(), ended_by=actor)
        if was_draft:
            material_files_discard(application=application)
    return application


def material_files_discard(*, application: Application) -> int:
    """Delete the application's uploads: the rows now, the stored files once the transaction commits.

    Return how many were deleted. The caller holds the application's row lock.
    """
    records = list(application.files.all())
    if not records:
        return 0
    storage = records[0].file.storage
    names = [record.file.name for record in records if record.file.name]
    MaterialFile.objects.filter(pk__in=[record.pk for record in records]).delete()

    def delete_stored():
        for name in names:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("Application %s: file %s could not be deleted", application.pk, name)

    # Only once the rows are gone for good: a rollback must not leave rows without their files.
    transaction.on_commit(delete_stored)
    return len(records)
