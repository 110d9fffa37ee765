"""Per-account limits of the public filing views: open drafts, and bytes stored for applications under way.

The limits hold back one account that fills the disk or the database (25 drafts with uploads
in 14 seconds were seen). They apply to what an account does itself on the public site: a
window clerk filing a walk-in application for a visitor is neither limited nor counted.

Two guards, so an upload over the limit is never stored whole:

- before the body is read, the view installs ``QuotaUploadHandler`` with what the account has
  left; the handler compares the request's Content-Length with it, and counts the bytes as
  they stream in (a chunked body has no length), and drops every file past the limit while
  the typed fields are still read, so the form comes back with them;
- the services count again under a lock of the account's row (``application_start``,
  ``application_add_file``), which decides.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from portal.models import User

from .models import Application, MaterialFile, State

# Applications whose files still count: every state before a conclusion.
UNDER_WAY = (
    State.DRAFT,
    State.SUBMITTED,
    State.NEEDS_CORRECTION,
    State.ACCEPTED,
    State.IN_REVIEW,
    State.SUSPENDED,
)

# Room for the typed fields and the multipart framing beside the files in one form.
FORM_OVERHEAD_BYTES = 256 * 1024


def open_drafts(user: User) -> int:
    """Return how many drafts the account keeps open on the public site."""
    return Application.objects.filter(applicant=user, state=State.DRAFT, channel=Application.Channel.ONLINE).count()


def stored_bytes(user: User) -> int:
    """Return the bytes the account itself uploaded to its applications still under way."""
    total = MaterialFile.objects.filter(
        application__applicant=user, application__state__in=UNDER_WAY, uploaded_by=user
    ).aggregate(total=Sum("size"))["total"]
    return total or 0


def remaining_bytes(user: User) -> int:
    """Return how many more bytes the account may upload."""
    return max(settings.UPLOAD_MAX_BYTES_PER_ACCOUNT - stored_bytes(user), 0)


def drafts_limit_message() -> str:
    return _(
        "You have reached the limit of %(n)d open drafts. Please submit or withdraw the drafts you no longer need "
        "first (your personal centre lists them)."
    ) % {"n": settings.UPLOAD_MAX_OPEN_DRAFTS}


def bytes_limit_message(*, names: list[str], remaining: int) -> str:
    files = ", ".join(f"“{name}”" for name in names) if names else _("the files")
    return _(
        "Not uploaded: %(files)s. The files of your applications under way may take %(limit)s in all, and "
        "%(left)s is left. Remove files you no longer need, or withdraw drafts you no longer need, then upload "
        "again. What you typed has been kept."
    ) % {
        "files": files,
        "limit": filesizeformat(settings.UPLOAD_MAX_BYTES_PER_ACCOUNT),
        "left": filesizeformat(remaining),
    }


class QuotaUploadHandler(TemporaryFileUploadHandler):
    """Stream uploads to temporary files, dropping every file once the account's remaining bytes are used.

    It is the only handler of the request (a handler after it would be handed a skipped file's
    end and keep stale state; Django's SkipFile would also close the files already received).
    A dropped file is not in request.FILES; its name is in ``dropped``.
    """

    def __init__(self, request=None, *, remaining: int):
        super().__init__(request)
        self.remaining = remaining
        self.received = 0
        self.dropping_all = False
        self.dropping = False
        self.dropped: list[str] = []

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # Known before a byte is read: a body larger than what is left holds too much.
        if content_length and content_length > self.remaining + FORM_OVERHEAD_BYTES:
            self.dropping_all = True

    def new_file(self, field_name, file_name, *args, **kwargs):
        self.dropping = self.dropping_all or self.received >= self.remaining
        if self.dropping:
            self.file_name = file_name
            self.dropped.append(file_name)
            return
        super().new_file(field_name, file_name, *args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        if self.dropping:
            return None
        self.received += len(raw_data)
        if self.received > self.remaining:
            # Past the limit in the middle of a file: throw away what came of it.
            self.dropping = True
            self.dropped.append(self.file_name)
            self.file.close()
            return None
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size):
        if self.dropping:
            return None
        return super().file_complete(file_size)

    @property
    def exceeded(self) -> bool:
        return bool(self.dropped)


def limit_uploads(request, *, remaining: int) -> QuotaUploadHandler:
    """Make the request's uploads count against what the account has left; call before the body is read."""
    handler = QuotaUploadHandler(request, remaining=remaining)
    request.upload_handlers = [handler]
    return handler
