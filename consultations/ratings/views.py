"""Public pages of service evaluation: rate a service (signed in, or from the link of its notice), the verdict.

Rating is offered where a service ends and never required. The person a service was given to
rates it once; everyone else finds no such page (404). The rating link of a notice stands for
the person it was sent to, works once and for a limited time; afterwards it answers 410.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F, Prefetch, Q
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from approvals.models import Application, State
from portal.errors import ActionRefused, AlreadyHandled
from portal.models import User

from ..appointments.models import Appointment, QueueTicket
from ..questions.models import Question
from . import services
from .forms import RatingForm, VerdictForm
from .models import Rating, RatingInvitation, Rectification, ServiceKind

RATERS = (User.Kind.CITIZEN, User.Kind.ENTERPRISE)
# The personal centre lists this many services waiting for a rating, and counts the rest among the
# newest this many of each kind (never a count over whole tables).
WAITING_SHOWN = 5
WAITING_LOOKED_AT = 50
RECENT_RATINGS = 5


@dataclass
class Service:
    """One service given to a person, as the rating pages name it."""

    kind: str
    record: Application | Question | Appointment
    name: str
    reference: str
    department: str
    url: str
    ended_at: datetime | None = None

    @property
    def rate_url(self) -> str:
        return reverse("consultations:rate", args=[self.kind, self.record.pk])


def _service(kind: str, record) -> Service:
    if kind == ServiceKind.APPLICATION:
        return Service(
            kind,
            record,
            record.item.name,
            record.reference,
            record.department.name,
            record.get_absolute_url(),
            getattr(record, "ended_at", None),
        )
    if kind == ServiceKind.QUESTION:
        department = record.department.name if record.department_id else _("The hall's general window")
        return Service(
            kind, record, record.subject, record.reference, department, record.get_absolute_url(), record.first_reply_at
        )
    department = record.item.department.name if record.item_id else ""
    name = record.item.name if record.item_id else record.counter.name
    return Service(
        kind, record, name, record.code, department, record.get_absolute_url(), getattr(record, "ended_at", None)
    )


def _own_records(kind: str, user: User):
    """Return the records of one kind given to the user, ready to be named on a page."""
    if kind == ServiceKind.APPLICATION:
        return Application.objects.select_related("item", "department").filter(applicant=user)
    if kind == ServiceKind.QUESTION:
        return Question.objects.select_related("item", "department").filter(asker=user)
    if kind == ServiceKind.APPOINTMENT:
        return Appointment.objects.select_related("item__department", "counter").filter(holder=user)
    raise Http404


def _ended(service: Service) -> bool:
    """Return whether the service has ended, by the rating's own rules (services.service_of)."""
    if service.kind == ServiceKind.APPLICATION:
        return services.application_concluded(service.record)
    if service.kind == ServiceKind.QUESTION:
        return service.record.first_reply_at is not None
    return QueueTicket.objects.filter(appointment=service.record, state=QueueTicket.State.SERVED).exists()


def _stored(kind: str, record) -> Rating | None:
    return Rating.objects.select_related("rectification").filter(**{kind: record}).first()


def rectification_of(rating: Rating) -> Rectification | None:
    """Return the rectification a bad review opened (selected with the rating), or None."""
    try:
        return rating.rectification
    except Rectification.DoesNotExist:
        return None


# --- rating ---------------------------------------------------------------------------------------


def _rated_page(request, service: Service, rating: Rating, *, thanks: bool = False, by_link: bool = False):
    return render(
        request,
        "consultations/ratings/rated.html",
        {
            "service": service,
            "rating": rating,
            "rectification": rectification_of(rating),
            "thanks": thanks,
            "by_link": by_link,
            "VISIT_DAYS": settings.RATING_VISIT_WORKING_DAYS,
            "RECTIFICATION_DAYS": settings.RATING_RECTIFICATION_WORKING_DAYS,
        },
    )


def _rate(request, *, rater: User, service: Service, by_link: bool = False):
    """Show the rating form, or store the rating through the service; a second one shows the first."""
    context = {"service": service, "by_link": by_link, "action_url": request.path}
    if request.method != "POST":
        return render(request, "consultations/ratings/rate.html", {**context, "form": RatingForm()})
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            rating = services.rating_submit(
                rater=rater, kind=service.kind, object_id=service.record.pk, **form.cleaned_data
            )
        except AlreadyHandled as handled:  # a double click, a second tab: the first rating stands
            messages.info(request, handled.message)
            return _rated_page(request, service, _stored(service.kind, service.record), by_link=by_link)
        except ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            return _rated_page(request, service, rating, thanks=True, by_link=by_link)
    return render(request, "consultations/ratings/rate.html", {**context, "form": form}, status=400)


@login_required
@never_cache
def rate(request, kind, pk):
    """Rate one's own service once it has ended; anyone else's service does not exist here (404)."""
    if request.user.kind not in RATERS:
        messages.error(request, _("Staff accounts do not rate services: ratings come from the people served."))
        return render(request, "consultations/ratings/rate.html", {"staff": True}, status=403)
    record = _own_records(kind, request.user).filter(pk=pk).first()
    if record is None:
        raise Http404
    service = _service(kind, record)
    stored = _stored(kind, record)
    if stored is not None and request.method != "POST":
        return _rated_page(request, service, stored)
    if stored is None and not _ended(service):
        return render(request, "consultations/ratings/rate.html", {"service": service, "not_ended": True})
    return _rate(request, rater=request.user, service=service)


def _link_gone(request):
    return render(request, "consultations/ratings/link_invalid.html", status=410)


@never_cache
def rate_by_link(request, token):
    """Rate from the link of a notice, without signing in: the link stands for the person it was sent to.

    A used, expired or unknown link answers 410 with the same page: telling them apart would let
    someone probe tokens, and a mistyped link needs the same help as an old one (sign in and rate
    from the page of the service). A second click on the form of a link just used shows the rating.
    """
    if request.method == "POST":
        invitation = RatingInvitation.objects.select_related("user").filter(token=token).first()
        if invitation is None or invitation.expires_at < timezone.now():
            return _link_gone(request)
    else:
        invitation = services.invitation_valid(token)
        if invitation is None:
            return _link_gone(request)
    try:
        record, _department, _item = services.service_of(invitation.kind, invitation.object_id, invitation.user)
    except ActionRefused:
        return _link_gone(request)
    record = _own_records(invitation.kind, invitation.user).get(pk=record.pk)
    service = _service(invitation.kind, record)
    if invitation.used_at is not None and _stored(service.kind, record) is None:
        return _link_gone(request)
    return _rate(request, rater=invitation.user, service=service, by_link=True)


def _service_url_of(rating: Rating) -> str:
    record = getattr(rating, rating.kind)
    return record.get_absolute_url()


@login_required
@require_POST
def rating_verdict(request, pk):
    """Record whether the rater is satisfied with the outcome of the rectification their review opened."""
    rating = (
        Rating.objects.select_related("rectification", "application", "question", "appointment")
        .filter(pk=pk, rater=request.user)
        .first()
    )
    rectification = rectification_of(rating) if rating is not None else None
    if rectification is None:
        raise Http404
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = _service_url_of(rating)
    form = VerdictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether you are satisfied with the outcome."))
        return redirect(back)
    try:
        services.rater_verdict(
            rectification_id=rectification.pk, rater=request.user, satisfied=form.cleaned_data["satisfied"]
        )
    except AlreadyHandled as handled:
        messages.info(request, handled.message)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Thank you: your answer has been recorded."))
    return redirect(back)


# --- sections of other pages ------------------------------------------------------------------------


def service_section(request, kind: str, record, *, ended: bool) -> dict:
    """Return the context of the rating section of a service's page: "rate" or the rating given (one query)."""
    if not request.user.is_authenticated or request.user.kind not in RATERS:
        return {"visible": False}
    # Looked up whatever the state, so that the page costs the same queries before and after the service ends.
    rating = _stored(kind, record)
    return {
        "visible": ended or rating is not None,
        "rating": rating,
        "rectification": rectification_of(rating) if rating else None,
        "rate_url": reverse("consultations:rate", args=[kind, record.pk]),
        "next": request.get_full_path(),
    }


def application_rating_section(request, application: Application) -> dict:
    """Return the rating section of the applicant's application page."""
    if request.user.pk != application.applicant_id:
        return {"visible": False}
    return service_section(
        request, ServiceKind.APPLICATION, application, ended=services.application_concluded(application)
    )


def question_rating_section(request, question: Question) -> dict:
    """Return the rating section of the asker's question page (only for an asker with an account)."""
    if not question.asker_id or request.user.pk != question.asker_id:
        return {"visible": False}
    return service_section(request, ServiceKind.QUESTION, question, ended=question.first_reply_at is not None)


def appointment_rating_section(request, appointment: Appointment) -> dict:
    """Return the rating section of the holder's appointment page (once the ticket was served)."""
    if request.user.pk != appointment.holder_id:
        return {"visible": False}
    served = QueueTicket.objects.filter(appointment=appointment, state=QueueTicket.State.SERVED).exists()
    return service_section(request, ServiceKind.APPOINTMENT, appointment, ended=served)


def _rated_ids(user: User, kind: str):
    return Rating.objects.filter(rater=user, kind=kind, **{f"{kind}__isnull": False}).values(f"{kind}_id")


def _waiting(user: User) -> list[Service]:
    """Return the newest services given to the user and not rated yet, newest first (three bounded queries)."""
    # The rule of services.application_concluded, as a filter.
    concluded = Q(state__in=[s for s in services.CONCLUDED_STATES if s != State.WITHDRAWN]) | Q(
        state=State.WITHDRAWN, accepted_at__isnull=False
    )
    applications = (
        _own_records(ServiceKind.APPLICATION, user)
        .filter(concluded)
        .exclude(pk__in=_rated_ids(user, ServiceKind.APPLICATION))
        .annotate(ended_at=Coalesce("decided_at", "withdrawn_at", "updated_at"))
        .order_by("-ended_at", "-pk")[:WAITING_LOOKED_AT]
    )
    questions = (
        _own_records(ServiceKind.QUESTION, user)
        .filter(first_reply_at__isnull=False)
        .exclude(pk__in=_rated_ids(user, ServiceKind.QUESTION))
        .order_by("-first_reply_at", "-pk")[:WAITING_LOOKED_AT]
    )
    appointments = (
        _own_records(ServiceKind.APPOINTMENT, user)
        .filter(ticket__state=QueueTicket.State.SERVED)
        .exclude(pk__in=_rated_ids(user, ServiceKind.APPOINTMENT))
        .annotate(ended_at=F("ticket__finished_at"))
        .order_by("-ended_at", "-pk")[:WAITING_LOOKED_AT]
    )
    found = [
        *(_service(ServiceKind.APPLICATION, a) for a in applications),
        *(_service(ServiceKind.QUESTION, q) for q in questions),
        *(_service(ServiceKind.APPOINTMENT, a) for a in appointments),
    ]
    oldest = datetime.min.replace(tzinfo=UTC)
    found.sort(key=lambda service: service.ended_at or oldest, reverse=True)
    return found


def _rating_row(rating: Rating) -> dict:
    record = getattr(rating, rating.kind)
    service = _service(rating.kind, record)
    return {"rating": rating, "rectification": rectification_of(rating), "service": service}


def my_ratings_section(request) -> dict:
    """Return the "Service evaluation" section of the personal centre: what waits for a rating, what was rated."""
    user = request.user
    if user.kind not in RATERS:
        return {"visible": False}
    waiting = _waiting(user)
    counted = waiting[:WAITING_LOOKED_AT]
    # The five ratings first, then each kind's services in its own small query: one join of all three
    # kinds with their items and departments cost the whole personal centre most of its time.
    ratings = (
        Rating.objects.filter(rater=user)
        .select_related("rectification")
        .prefetch_related(
            Prefetch("application", Application.objects.select_related("item", "department")),
            Prefetch("question", Question.objects.select_related("item", "department")),
            Prefetch("appointment", Appointment.objects.select_related("item__department", "counter")),
        )[:RECENT_RATINGS]
    )
    return {
        "visible": True,
        "waiting": waiting[:WAITING_SHOWN],
        "more": max(len(counted) - WAITING_SHOWN, 0),
        "more_beyond": len(waiting) > WAITING_LOOKED_AT,
        "ratings": [_rating_row(rating) for rating in ratings],
        "next": request.get_full_path(),
    }
