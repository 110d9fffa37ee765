"""A question's attachment, streamed to whoever the caller decided may have it."""

from django.http import FileResponse, Http404

from approvals.uploads import download_name, served_content_type

from .models import Question


def attachment_response(question: Question) -> FileResponse:
    """Return the attachment as a download under a name with the extension of its checked type, or 404."""
    if not question.attachment:
        raise Http404("No attachment")
    try:
        handle = question.attachment.open("rb")
    except FileNotFoundError:
        raise Http404("File missing from storage") from None
    # The name offered has the extension of the type read from the content, never the asker's own.
    stem = question.attachment_name.rsplit(".", 1)[0] or question.reference
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(stem, question.attachment_type),
        content_type=served_content_type(question.attachment_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
