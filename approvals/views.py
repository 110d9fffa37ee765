"""The online hall: catalogue, guides, applying, the applicant's pages, public tracking."""

import functools
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from portal import audit, errors, page_cache, personal_centre
from portal.clock import deadlines
from portal.models import AuditEvent, User

from . import application_sections, guide_sections, quotas, schema, selectors, services
from .forms import FIELD_PREFIX, ApplicationForm, CatalogueFilterForm, TrackForm, WithdrawForm
from .material_sources import provided_materials
from .models import Application, State

CATALOGUE_PAGE_SIZE = 20


def _catalogue_query(request) -> QueryDict:
    """Return the catalogue filters the request sets, normalised: known fields only, values stripped and sorted."""
    query = QueryDict(mutable=True)
    for name in CatalogueFilterForm.base_fields:
        values = sorted(v.strip() for v in request.GET.getlist(name) if v.strip())
        if values:
            query.setlist(name, values)
    return query


def catalogue(request):
    query = _catalogue_query(request)
    page_number = request.GET.get("page", "").strip()

    def render_listing() -> str:
        form = CatalogueFilterForm(query or None)
        filters = {}
        if form.is_bound:
            form.is_valid()
            # A filter that no longer validates (a closed department, a bad link) is ignored alone.
            filters = {name: form.cleaned_data.get(name) or "" for name in form.fields if name not in form.errors}
        items = selectors.catalogue_items(**filters)
        page = Paginator(items, CATALOGUE_PAGE_SIZE).get_page(page_number)
        context = {"form": form, "page": page, "query": query.urlencode(), "total": page.paginator.count}
        return render_to_string("approvals/_catalogue_listing.html", context)

    key = (query.urlencode(), page_number)
    listing = page_cache.fragment(request, "catalogue", key, render_listing)
    return render(request, "approvals/catalogue.html", {"listing": mark_safe(listing)})  # noqa: S308 - our own HTML


def guide(request, code):
    page_cache.read_versions(request, *guide_sections.versions())  # the catalogue's and the sections', at once
    # The item is a catalogue row: held with the fragments, under the same version (Http404 is not held).
    item = page_cache.fragment(request, "guide-item", (code,), functools.partial(selectors.item_get_for_guide, code))

    def renderer(template: str):
        return lambda: render_to_string(template, {"item": item, "materials": item.materials.all()})

    context = {
        "item": item,
        "main": mark_safe(page_cache.fragment(request, "guide", (code,), renderer("approvals/_guide_main.html"))),  # noqa: S308
        "side": mark_safe(page_cache.fragment(request, "guide-side", (code,), renderer("approvals/_guide_side.html"))),  # noqa: S308
        "sections": guide_sections.html(request, item, key=(code,)),
    }
    return render(request, "approvals/guide.html", context)


def _may_apply(request, item) -> bool:
    if not item.can_apply_online:
        messages.error(request, _("This item cannot be applied for online; the guide says how to apply in the hall."))
        return False
    if request.user.kind not in (User.Kind.CITIZEN, User.Kind.ENTERPRISE):
        messages.error(request, _("Staff accounts cannot apply online; walk-in applications are filed in the admin."))
        return False
    return True


def _form_token(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(value or "")
    except ValueError:
        return None


# The apply and edit views read their bodies themselves: CsrfViewMiddleware would read the
# uploads before the view could set the account's upload limit (Django's documented pattern:
# exempt the view from the middleware and protect the inner function that reads the body).
@never_cache
@csrf_exempt
@login_required
def apply(request, code):
    """Start an application: the first save creates the draft, which the applicant continues later.

    The form token that makes one draft of one form travels in the address (``?t=``), so the
    Back button, a reload or a page restored from the browser's cache brings back the same
    token, and a form sent again lands on the application it already made.
    """
    item = selectors.item_get_for_guide(code)
    if not _may_apply(request, item):
        return redirect(item)
    if request.method == "POST":
        token = _form_token(request.GET.get("t"))
        continues = token is not None and Application.objects.filter(form_token=token, applicant=request.user).exists()
        new_draft_refused = not continues and quotas.open_drafts(request.user) >= settings.UPLOAD_MAX_OPEN_DRAFTS
        uploads = quotas.limit_uploads(
            request, remaining=0 if new_draft_refused else quotas.remaining_bytes(request.user)
        )
        return _apply_post(request, item, uploads)
    token = _form_token(request.GET.get("t"))
    if token is not None:
        existing = Application.objects.filter(form_token=token).first()
        if existing is not None and existing.applicant_id == request.user.pk:
            return _land_on_existing(request, existing)
        if existing is not None:
            token = None  # another account's address, opened on a shared terminal: a fresh form
    if token is None:
        return redirect(f"{reverse('approvals:apply', args=[item.code])}?t={uuid.uuid4()}")
    probe = _probe(request, item)
    form = ApplicationForm(item=item, initial=ApplicationForm.initial_for(probe))
    return _render_form(request, item=item, application=None, form=form, form_token=token, probe=probe)


def _probe(request, item) -> Application:
    """Return an unsaved application carrying the account's identity, for a form with no draft yet."""
    draft = Application(item=item, applicant=request.user, delivery_method=services.default_delivery(item))
    draft.applicant_id_number = request.user.credit_code or request.user.id_number
    draft.contact_name = draft.delivery_name = request.user.real_name
    draft.contact_phone = draft.delivery_phone = request.user.mobile
    return draft


@csrf_protect
def _apply_post(request, item, uploads):
    token = _form_token(request.POST.get("form_token")) or _form_token(request.GET.get("t"))
    try:
        application = services.application_start(item=item, applicant=request.user, form_token=token)
    except errors.QuotaExceeded as refused:
        # No draft to keep it in: the form comes back with everything typed (files are not kept).
        messages.error(request, refused.message)
        form = ApplicationForm(request.POST, item=item)
        form.is_valid()
        return _render_form(
            request,
            item=item,
            application=None,
            form=form,
            form_token=token or uuid.uuid4(),
            probe=_probe(request, item),
            status=400,
        )
    except errors.ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect(item)
    return _save_application(request, application, uploads)


def _land_on_existing(request, application):
    """Send a form sent again to the application it already made: its draft, or its page once submitted."""
    application = Application.objects.get(pk=application.pk)  # the state and reference as they are now
    if application.editable_by_applicant:
        return redirect("approvals:application_edit", application.reference)
    if application.state == State.WITHDRAWN and application.submitted_at is None:
        messages.info(request, _("This application has been withdrawn and can no longer be changed."))
    else:
        messages.info(
            request,
            _("This application has already been submitted; its reference number is %(reference)s (now: %(state)s).")
            % {"reference": application.reference, "state": application.get_state_display()},
        )
    return redirect(application)


def _own_application(request, reference):
    """Return the user's application; an old draft address finds the application it became."""
    try:
        return selectors.application_get_for_user(request.user, reference)
    except Http404:
        moved = services.application_find_by_draft_reference(applicant=request.user, reference=reference)
        if moved is None:
            raise
        return moved


@never_cache
@csrf_exempt  # protected in _edit_post, after the upload limit is set (see apply)
@login_required
def application_edit(request, reference):
    application = _own_application(request, reference)
    if not application.editable_by_applicant:
        return _land_on_existing(request, application)
    if request.method == "POST":
        uploads = quotas.limit_uploads(request, remaining=quotas.remaining_bytes(request.user))
        return _edit_post(request, application, uploads)
    form = ApplicationForm(item=application.item, initial=ApplicationForm.initial_for(application))
    return _render_form(request, item=application.item, application=application, form=form)


@csrf_protect
def _edit_post(request, application, uploads):
    return _save_application(request, application, uploads)


def _render_form(
    request, *, item, application, form, file_errors=(), missing=(), status=200, form_token=None, probe=None
):
    materials = list(item.materials.all())
    files_by_material = {}
    if application is not None:
        for record in application.files.all():
            files_by_material.setdefault(record.material_id, []).append(record)
    notice = None
    if application is not None and application.state == State.NEEDS_CORRECTION:
        notice = (
            application.correction_notices.filter(resolved_at__isnull=True).prefetch_related("items__material").last()
        )

    # A new form has no draft yet: the unsaved `probe` carries the applicant's identity.
    subject = application or probe
    provided = provided_materials(subject) if subject is not None else {}
    context = {
        "item": item,
        "application": application,
        "provided": provided,
        "form": form,
        "extra_fields": [form[name] for name in form.extra_field_names()],
        "materials": [(m, files_by_material.get(m.pk, []), provided.get(m.pk)) for m in materials],
        "file_errors": file_errors,
        "missing": missing,
        "notice": notice,
        "form_token": form_token or (application.form_token if application else None),
        "upload_max_mb": settings.UPLOAD_MAX_MB,
    }
    return render(request, "approvals/apply.html", context, status=status)


def _save_application(request, application, uploads):
    """Save typed values and uploads; then keep the draft or submit it. Nothing typed is lost."""
    item = application.item
    form = ApplicationForm(request.POST, item=item)  # the body is read here, through the upload limit
    form.is_valid()
    # Files dropped while the body streamed in (over the account's limit) keep the draft from being submitted.
    quota_errors = []
    if uploads.exceeded:
        quota_errors.append(quotas.bytes_limit_message(names=uploads.dropped, remaining=uploads.remaining))
    data = form.draft_data()
    # Values that did not validate keep what was stored before; the form shows what was typed.
    for name in form.errors:
        if name.startswith(FIELD_PREFIX):
            key = name.removeprefix(FIELD_PREFIX)
            data.form_data[key] = application.form_data.get(key, "")
        elif hasattr(data, name):
            setattr(data, name, getattr(application, name))
    submitting = request.POST.get("action") == "submit"
    try:
        outcome = services.application_save(
            application_id=application.pk,
            actor=request.user,
            data=data,
            files=request.FILES,
            submit=submitting and not form.errors and not quota_errors,
        )
    except errors.AlreadyHandled:
        return _land_on_existing(request, application)
    except errors.ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect(Application.objects.get(pk=application.pk))
    application = outcome.application
    file_errors = quota_errors + outcome.file_errors
    if form.errors or file_errors or outcome.missing:
        # When submitting, list everything missing, so nothing is told one round later.
        missing = outcome.missing or (services.application_missing(application) if submitting else [])
        return _render_form(
            request,
            item=item,
            application=application,
            form=form,
            file_errors=file_errors,
            missing=missing,
            status=400,
        )
    if not submitting:
        messages.success(request, _("Draft saved. You can continue it any time from your personal centre."))
        return redirect("approvals:application_edit", application.reference)
    messages.success(
        request,
        _("Submitted. Your reference number is %(reference)s; keep it to follow the application.")
        % {"reference": application.reference},
    )
    return redirect(application)


@login_required
def application_detail(request, reference):
    application = _own_application(request, reference)
    if application.reference != reference:
        return redirect(application)
    files = application.files.select_related("material")
    notices = application.correction_notices.prefetch_related("items__material")
    fields = [
        (f["label"], schema.display_value(f, application.form_data.get(f["key"], "")))
        for f in application.item.extra_fields
    ]
    return render(
        request,
        "approvals/application_detail.html",
        {
            "application": application,
            "files": files,
            "notices": notices,
            "fields": fields,
            "timeline": selectors.timeline(application, comments=True),
            "documents": application_notices(application),
            "next_step": selectors.next_step(application),
            "due_date": selectors.due_date(application),
            "days_left": (left := selectors.working_days_left(application)),
            "days_over": -left if left is not None and left < 0 else 0,
            "promised_date": deadlines.day_of(application.promised_due_at) if application.promised_due_at else None,
            "can_withdraw": application.state in (State.DRAFT, State.SUBMITTED, State.NEEDS_CORRECTION, State.ACCEPTED),
            # States in which a visit to the hall may still be due (originals to show, the result to collect).
            "visit_states": VISIT_STATES,
            # Sections other apps contribute (approvals/application_sections.py): rating the service, ...
            "sections": application_sections.rendered(request, application),
        },
    )


@login_required
def application_withdraw(request, reference):
    application = selectors.application_get_for_user(request.user, reference)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(
                application_id=application.pk, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except errors.ActionRefused as refused:
            messages.info(request, refused.message)
        else:
            messages.success(request, _("The application has been withdrawn."))
        return redirect(application)
    return render(request, "approvals/application_withdraw.html", {"application": application, "form": form})


@login_required
def material_download(request, reference, pk):
    """Stream an uploaded material to the applicant; anyone else gets a 404."""
    application = selectors.application_get_for_user(request.user, reference)
    record = get_object_or_404(application.files, pk=pk)
    try:
        handle = record.file.open("rb")
    except FileNotFoundError:
        raise Http404("File missing from storage") from None
    audit.record(
        AuditEvent.Action.DOCUMENT_VIEWED, request=request, target=application, detail=f"file {record.pk}: download"
    )
    # The name offered is the material's with the extension of the type read from the content;
    # the applicant's own file name (page.html holding a PNG) never reaches a header.
    response = FileResponse(
        handle, as_attachment=True, filename=record.download_name, content_type=record.served_content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def material_delete(request, reference, pk):
    application = selectors.application_get_for_user(request.user, reference)
    try:
        services.application_remove_file(application=application, file_id=pk, actor=request.user)
    except errors.ActionRefused as refused:
        messages.info(request, refused.message)
    else:
        messages.success(request, _("File removed."))
    return redirect("approvals:application_edit", application.reference)


def track(request):
    """Look up an application by reference plus the tail of the ID number, with no login."""
    form = TrackForm(request.POST if request.method == "POST" else None)
    application = None
    status = 200
    searched = False
    if request.method == "POST":
        limited = is_ratelimited(
            request, group="approvals.track", key="ip", rate=settings.TRACK_RATE_LIMIT, increment=True
        )
        if limited:
            form.add_error(None, _("Too many lookups from your network. Please wait a few minutes and try again."))
            status = 429
        elif form.is_valid():
            searched = True
            application = selectors.application_for_tracking(
                form.cleaned_data["reference"], form.cleaned_data["id_tail"]
            )
    fields = None
    if request.method != "POST":
        # The empty form is the same for everyone: rendered once per version (the CSRF token stays outside).
        render_fields = functools.partial(render_to_string, "approvals/_track_form.html", {"form": form})
        fields = mark_safe(page_cache.fragment(request, "track-form", (), render_fields))  # noqa: S308 - our own HTML
    context = {
        "form": form,
        "fields": fields,
        "searched": searched,
        "application": application,
        "timeline": selectors.timeline(application, comments=False) if application else [],
    }
    return render(request, "approvals/track.html", context, status=status)


def my_applications_section(request) -> dict:
    """Return the context of the "my applications" section of the personal centre."""
    paginator = personal_centre.SectionPaginator(selectors.applications_of(request.user), 10)
    page = paginator.get_page(request.GET.get("page"))
    rows = [(a, selectors.next_step(a), selectors.due_date(a)) for a in page]
    return {"applications_page": page, "application_rows": rows}


VISIT_STATES = (
    State.SUBMITTED,
    State.NEEDS_CORRECTION,
    State.ACCEPTED,
    State.IN_REVIEW,
    State.SUSPENDED,
    State.APPROVED,
)

NOTICE_TITLES = {
    "acceptance": _("Notice of acceptance"),
    "correction": _("Notice of corrections needed"),
    "rejection": _("Decision not to accept"),
    "denial": _("Decision to deny the permit"),
}


@login_required
def application_notice(request, reference, kind, number=None):
    """Show an official notice of the applicant's application, ready to print."""
    application = selectors.application_get_for_user(request.user, reference)
    notice = None
    available = {
        "acceptance": application.accepted_at is not None,
        "correction": True,
        "rejection": application.state == State.REJECTED,
        "denial": application.state == State.DENIED,
    }
    if not available.get(kind):
        raise Http404("No such notice")
    if kind == "correction":
        notice = get_object_or_404(application.correction_notices.prefetch_related("items__material"), round=number)
    return render(
        request,
        "approvals/notice.html",
        {"application": application, "kind": kind, "title": NOTICE_TITLES[kind], "notice": notice},
    )


def application_notices(application) -> list[tuple[str, str]]:
    """Return (title, url) of every notice the applicant can open and print."""
    ref = application.reference
    notices = []
    if application.accepted_at:
        notices.append((NOTICE_TITLES["acceptance"], reverse("approvals:notice", args=[ref, "acceptance"])))
    for notice in application.correction_notices.all():
        title = f"{NOTICE_TITLES['correction']} ({notice.round})"
        notices.append((title, reverse("approvals:correction_notice", args=[ref, notice.round])))
    if application.state == State.REJECTED:
        notices.append((NOTICE_TITLES["rejection"], reverse("approvals:notice", args=[ref, "rejection"])))
    if application.state == State.DENIED:
        notices.append((NOTICE_TITLES["denial"], reverse("approvals:notice", args=[ref, "denial"])))
    return notices
