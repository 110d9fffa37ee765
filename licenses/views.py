"""Public verification of certificates, and the holder's own certificates."""

import functools
import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django_ratelimit.core import _split_rate, is_ratelimited

from portal import personal_centre
from portal.net import client_ip, ratelimit_ip

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


@functools.lru_cache(maxsize=1)
def _redis_client(backend_client):
    """Return a Redis client on the cache's server, made once per process.

    Django's backend makes a new client object for each call, which costs more than the count itself.
    The client shares the backend's connection pool; a new backend (settings changed) gets its own.
    """
    return backend_client.get_client(write=True)


def _verify_limited(request) -> bool:
    """Count this scan against the address's VERIFY_RATE_LIMIT; return whether the address is over it.

    With Redis the count and the window's expiry go in one pipelined round trip; other caches
    go through django-ratelimit.
    """
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        return is_ratelimited(
            request, group="licenses.verify", key="ip", rate=settings.VERIFY_RATE_LIMIT, increment=True
        )
    limit, period = _split_rate(settings.VERIFY_RATE_LIMIT)
    window = int(time.time()) // period
    key = cache.make_and_validate_key(f"licenses.verify:{ratelimit_ip(request)}:{period}:{window}")
    pipeline = _redis_client(cache._cache).pipeline(transaction=False)  # noqa: SLF001 - the backend's own client
    pipeline.incr(key)
    pipeline.expire(key, period + 1, nx=True)
    count, _ = pipeline.execute()
    return count > limit


@never_cache
def verify(request, token):
    """Show whether a certificate is genuine and valid: the target of the QR code, no login."""
    if _verify_limited(request):
        return render(request, "licenses/verify.html", {"limited": True}, status=429)
    certificate = services.certificate_verify(token, address=client_ip(request) or "")
    if certificate is None:
        return render(request, "licenses/verify.html", {"certificate": None}, status=404)
    return render(
        request, "licenses/verify.html", {"certificate": certificate, "colour": STATUS_COLOURS[certificate.status]}
    )


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
    page = personal_centre.SectionPaginator(certificates, 10).get_page(request.GET.get("cpage"))
    return {"certificates_page": page, "colours": STATUS_COLOURS}
