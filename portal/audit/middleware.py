"""Record permission denials, and keep the current request at hand for receivers that get none."""

from contextvars import ContextVar

from django.apps import apps
from django.contrib.admin import ModelAdmin
from django.core.exceptions import ValidationError
from django.urls import reverse

from .models import AuditEvent
from .recording import record

_current_request: ContextVar = ContextVar("audit_current_request", default=None)

# Pages of one's own records outside the admin, which answer 404 for anyone else's: URL name →
# (model, URL keyword = model field, owner field). Named by label: the core imports no domain app.
SCOPED_PAGES = {
    "approvals:application_detail": ("approvals.Application", "reference", "applicant"),
    "approvals:application_edit": ("approvals.Application", "reference", "applicant"),
    "approvals:application_withdraw": ("approvals.Application", "reference", "applicant"),
    "approvals:material_download": ("approvals.Application", "reference", "applicant"),
    "approvals:material_delete": ("approvals.Application", "reference", "applicant"),
    "approvals:correction_notice": ("approvals.Application", "reference", "applicant"),
    "approvals:notice": ("approvals.Application", "reference", "applicant"),
    "licenses:certificate_pdf": ("licenses.Certificate", "number", "holder"),
}


def current_request():
    """Return the request being served by this thread or task, or None (a shell, a worker)."""
    return _current_request.get()


class AuditMiddleware:
    """Record a PERMISSION_DENIED row when a signed-in user is refused a page or a record.

    A 403 is always recorded. A 404 (or the admin's "does not exist" redirect) is recorded only
    when the record asked for exists but lies outside the user's scope: that costs one query, on
    refusals only; a 200 costs nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current_request.reset(token)
        status = response.status_code
        if status in (403, 404) or (status == 302 and self._is_admin_missing_redirect(request, response)):
            self._maybe_record(request, response)
        return response

    @staticmethod
    def _is_admin_missing_redirect(request, response):
        # The admin answers a change page of an object outside its queryset by redirecting to
        # the index ("does not exist"); a saved form redirects elsewhere, and only on POST.
        match = getattr(request, "resolver_match", None)
        return (
            request.method == "GET"
            and match is not None
            and match.namespace == "admin"
            and response.get("Location") == reverse("admin:index")
        )

    def _maybe_record(self, request, response):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        if response.status_code == 403:
            record(
                AuditEvent.Action.PERMISSION_DENIED,
                request=request,
                outcome=AuditEvent.Outcome.DENIED,
                detail=f"403 {request.method} {request.path[:500]}",
            )
            return
        match = getattr(request, "resolver_match", None)
        if match is None:
            return
        target = None
        if match.namespace == "admin":
            target = self._admin_target(request, match)
        elif response.status_code == 404:
            target = self._scoped_page_target(request, match)
        if target is not None:
            record(
                AuditEvent.Action.PERMISSION_DENIED,
                request=request,
                outcome=AuditEvent.Outcome.DENIED,
                target=target,
                detail=f"{response.status_code} {request.method} {request.path[:500]}",
            )

    @staticmethod
    def _admin_target(request, match):
        """Return the existing record an admin object page refused to show, or None."""
        object_id = match.kwargs.get("object_id") or match.kwargs.get("pk")
        if object_id is None:
            return None
        model_admin = getattr(match.func, "model_admin", None)
        if model_admin is None:
            # Extra pages (admin_site.admin_view(self.some_view)) keep the bound method.
            model_admin = getattr(getattr(match.func, "__wrapped__", None), "__self__", None)
        if not isinstance(model_admin, ModelAdmin):
            return None
        try:
            return model_admin.model._default_manager.filter(pk=object_id).first()
        except (ValueError, TypeError, ValidationError):
            return None

    @staticmethod
    def _scoped_page_target(request, match):
        """Return someone else's existing record that a scoped page answered 404 for, or None."""
        scoped = SCOPED_PAGES.get(match.view_name)
        if scoped is None:
            return None
        label, field, owner = scoped
        value = match.kwargs.get(field)
        if value is None:
            return None
        model = apps.get_model(label)
        return model._default_manager.filter(**{field: value}).exclude(**{owner: request.user.pk}).first()
