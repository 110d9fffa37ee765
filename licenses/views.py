"""Public verification of certificates, and the holder's own certificates."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django_ratelimit.core import is_ratelimited

from portal import masking
from portal.models import User
from portal.net import client_ip

from . import services
from .models import Certificate
from .pdf import certificate_pdf_bytes

STATUS_COLOURS = {
    Certificate.Status.VALID: "success",
    Certificate.Status.SUSPENDED: "warning",
    Certificate.Status.REVOKED: "danger",
    Certificate.Status.EXPIRED: "secondary",
    Certificate.Status.SUPERSEDED: "secondary",
}


def _public_holder(certificate: Certificate) -> str:
    """Return the holder as shown to anyone: an enterprise by name, a person masked."""
    if certificate.holder and certificate.holder.kind == User.Kind.ENTERPRISE:
        return certificate.holder_name
    return masking.mask_name(certificate.holder_name)


@never_cache
def verify(request, token):
    """Show whether a certificate is genuine and valid: the target of the QR code, no login."""
    limited = is_ratelimited(
        request, group="licenses.verify", key="ip", rate=settings.VERIFY_RATE_LIMIT, increment=True
    )
    if limited:
        return render(request, "licenses/verify.html", {"limited": True}, status=429)
    certificate = (
        Certificate.objects.select_related("certificate_type", "department", "holder").filter(token=token).first()
    )
    services.verification_record(certificate=certificate, address=client_ip(request) or "")
    if certificate is None:
        return render(request, "licenses/verify.html", {"certificate": None}, status=404)
    context = {
        "certificate": certificate,
        "holder": _public_holder(certificate),
        "colour": STATUS_COLOURS[certificate.status],
    }
    return render(request, "licenses/verify.html", context)


@login_required
def certificate_pdf(request, number):
    """Send the holder their certificate as a PDF; anyone else gets a 404."""
    certificate = get_object_or_404(
        Certificate.objects.select_related("certificate_type", "department"), number=number, holder=request.user
    )
    if certificate.status == Certificate.Status.SUPERSEDED:
        raise Http404("Superseded")
    response = HttpResponse(certificate_pdf_bytes(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def my_certificates_section(request) -> dict:
    """Return the context of the "my certificates" section of the personal centre."""
    certificates = Certificate.objects.filter(holder=request.user).select_related(
        "certificate_type", "department", "print_job"
    )
    page = Paginator(certificates, 10).get_page(request.GET.get("cpage"))
    return {"certificates_page": page, "colours": STATUS_COLOURS}
