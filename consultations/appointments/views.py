"""Public pages of appointments: book, see and change one's bookings, the hall's call display."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_ratelimit.core import is_ratelimited

from approvals.models import ServiceItem
from portal import personal_centre
from portal.errors import ActionRefused
from portal.models import User

from . import selectors, services
from .forms import BookForm, CancelByCodeForm, ChangeForm
from .models import Appointment, Slot

# Mail scanners follow links, people mistype: a wrong ID tail is allowed this often per address.
CANCEL_BY_CODE_RATE = "10/h"
MY_APPOINTMENTS_PAGE_SIZE = 10
DISPLAY_RECENT = 8


def _books_for_self(user) -> bool:
    return user.kind in (User.Kind.CITIZEN, User.Kind.ENTERPRISE)


def _parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _pick(objects, pk: str):
    """Return the object of a list whose id is pk (a link's parameter), or None."""
    return next((obj for obj in objects if str(obj.pk) == (pk or "")), None)


# --- booking --------------------------------------------------------------------------------


def _selection(request, params) -> dict:
    """Work out from a link's or a form's parameters what is chosen so far: item, window, day; and what to offer next.

    Every parameter that does not fit (another person's application, a window that does not serve
    the item, a day outside the booking range) is ignored alone, and the page offers the choice again.
    """
    now = timezone.now()
    context = {"item": None, "application": None, "counter": None, "day": None, "counters": [], "days": []}
    application = selectors.application_of(request.user, params.get("application", ""))
    if params.get("application") and application is None:
        messages.error(request, _("The application you referred to is not one of yours; choose the item instead."))
    item = application.item if application else None
    if item is None and params.get("item"):
        item = ServiceItem.objects.filter(code=params["item"], is_active=True).first()
    context.update(item=item, application=application)
    if item is None:
        context["items"] = list(selectors.bookable_items())
        return context
    keep = {"application": application.reference} if application else {"item": item.code}
    context["keep"] = keep
    counters = list(services.counters_for(item).select_related("rule"))
    context["counters"] = [(counter, f"?{urlencode({**keep, 'counter': counter.pk})}") for counter in counters]
    counter = counters[0] if len(counters) == 1 else _pick(counters, params.get("counter", ""))
    context["counter"] = counter
    if counter is None:
        return context
    days = selectors.free_days(counter, now=now)
    context["days"] = [
        (free, f"?{urlencode({**keep, 'counter': counter.pk, 'day': free.day.isoformat()})}") for free in days
    ]
    day = _parse_day(params.get("day", ""))
    if day is not None and day in {free.day for free in days}:
        context["day"] = day
        context["slots"] = selectors.free_slots(counter, day, now=now)
    return context


def _render_index(request, context: dict, *, status: int = 200):
    context.setdefault("suspension", services.suspension_of(request.user))
    return render(request, "consultations/appointments/index.html", context, status=status)


@login_required
@never_cache
def index(request):
    """Book a time at the hall: the item, then the window, a day with free places, a time."""
    if not _books_for_self(request.user):
        messages.error(
            request,
            _("Staff accounts do not book here: book for a caller or a visitor from the hall's pages in the admin."),
        )
        return render(request, "consultations/appointments/index.html", {"staff": True}, status=403)
    if request.method != "POST":
        return _render_index(request, _selection(request, request.GET))

    form = BookForm(request.POST)
    context = _selection(request, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _render_index(request, context, status=400)
    if context["item"] is None:
        messages.error(request, _("Choose the item you are coming for."))
        return _render_index(request, context, status=400)
    try:
        appointment = services.appointment_book(
            holder=request.user,
            slot_id=form.cleaned_data["slot"],
            item=context["item"],
            application=context["application"],
        )
    except services.SlotTaken as taken:
        context.update(taken=taken.message, alternatives=taken.alternatives)
        return _render_index(request, context, status=409)
    except ActionRefused as refused:  # suspensions, limits, a window or a day not offered, a double click
        messages.error(request, refused.message)
        return _render_index(request, context, status=400)
    except Slot.DoesNotExist:  # a time withdrawn after a rule change while the page was open
        messages.error(request, _("That time is no longer offered; choose another one."))
        return _render_index(request, context, status=400)
    messages.success(
        request,
        _("Your appointment is booked. Its confirmation code is %(code)s; show it at the hall.")
        % {"code": appointment.code},
    )
    return redirect(appointment.get_absolute_url())


# --- the holder's appointment -----------------------------------------------------------------


def _appointment_page(request, found: Appointment, *, status: int = 200, **extra):
    now = timezone.now()
    changeable = found.state == Appointment.State.BOOKED and found.slot.starts_at > now
    context = {
        "appointment": found,
        "materials": list(found.item.materials.all()) if found.item_id else [],
        "changeable": changeable,
        "cancel_url": reverse("consultations:appointment_cancel", args=[found.code]),
        "CHANGE_UNTIL_HOURS": settings.APPOINTMENT_CHANGE_UNTIL_HOURS,
        **extra,
    }
    if changeable and request.GET.get("change"):
        days = selectors.free_days(found.counter, now=now)
        url = found.get_absolute_url()
        context["change_days"] = [
            (free, f"{url}?{urlencode({'change': 1, 'day': free.day.isoformat()})}") for free in days
        ]
        day = _parse_day(request.GET.get("day", ""))
        if day is not None and day in {free.day for free in days}:
            context["change_day"] = day
            context["change_slots"] = [
                slot for slot in selectors.free_slots(found.counter, day, now=now) if slot.pk != found.slot_id
            ]
    return render(request, "consultations/appointments/appointment.html", context, status=status)


@never_cache
def appointment(request, code):
    """Show the holder their appointment, with cancel and change; anyone else gets a 404."""
    found = selectors.appointment_get_for_user(request.user, code)
    if request.method != "POST":
        return _appointment_page(request, found)
    form = ChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This action is not available; please use the buttons on the page."))
        return redirect(found.get_absolute_url())
    try:
        if form.cleaned_data["action"] == "cancel":
            services.appointment_cancel(appointment_id=found.pk, actor=request.user)
            messages.success(
                request, _("Appointment %(code)s is cancelled; its place is free again.") % {"code": found.code}
            )
            return redirect(found.get_absolute_url())
        moved = services.appointment_change(appointment_id=found.pk, slot_id=form.cleaned_data["slot"])
    except services.SlotTaken as taken:
        alternatives = [slot for slot in taken.alternatives if slot.pk != found.slot_id]
        return _appointment_page(request, found, status=409, taken=taken.message, alternatives=alternatives)
    except ActionRefused as refused:  # after the deadline, already cancelled, a double click
        messages.error(request, refused.message)
        return redirect(found.get_absolute_url())
    except Slot.DoesNotExist:
        messages.error(request, _("That time is no longer offered; choose another one."))
        return redirect(found.get_absolute_url())
    messages.success(
        request,
        _("Your appointment is moved. Its new confirmation code is %(code)s.") % {"code": moved.code},
    )
    return redirect(moved.get_absolute_url())


# --- cancelling from a link -------------------------------------------------------------------


@never_cache
def cancel_by_code(request, code):
    """Cancel from a link: a GET shows the form; only a POST with the ID number's last four characters cancels."""
    code = (code or "").strip().upper()
    context = {"code": code}
    if request.method != "POST":
        return render(request, "consultations/appointments/cancel.html", {**context, "form": CancelByCodeForm()})
    form = CancelByCodeForm(request.POST)
    limited = is_ratelimited(
        request, group="consultations.appointment_cancel", key="ip", rate=CANCEL_BY_CODE_RATE, increment=True
    )
    if limited:
        form.is_valid()
        form.add_error(None, _("Too many tries from this address. Please wait an hour, or call the hall."))
        return render(request, "consultations/appointments/cancel.html", {**context, "form": form}, status=429)
    if not form.is_valid():
        return render(request, "consultations/appointments/cancel.html", {**context, "form": form}, status=400)
    try:
        services.appointment_cancel_by_code(code=code, id_tail=form.cleaned_data["id_tail"])
    except ActionRefused as refused:  # a wrong tail, an unknown code, after the deadline, already cancelled
        form.add_error(None, refused.message)
        return render(request, "consultations/appointments/cancel.html", {**context, "form": form}, status=400)
    return render(request, "consultations/appointments/cancel.html", {**context, "cancelled": True})


# --- the hall's call display ------------------------------------------------------------------


@require_GET
@never_cache
def display(request):
    """Show the hall's TV the numbers being called now and the last ones called: number and window only."""
    today = timezone.localdate()
    return render(
        request,
        "consultations/appointments/display.html",
        {
            "calling": list(selectors.tickets_called_now(today=today)),
            "recent": list(selectors.tickets_called_before(today=today, limit=DISPLAY_RECENT)),
            "now": timezone.localtime(),
        },
    )


# --- sections of other pages ------------------------------------------------------------------


def my_appointments_section(request) -> dict:
    """Return the context of the "my appointments" section of the personal centre."""
    page = personal_centre.SectionPaginator(
        selectors.appointments_of(request.user), MY_APPOINTMENTS_PAGE_SIZE
    ).get_page(request.GET.get("apage"))
    query = request.GET.copy()
    query.pop("apage", None)
    return {"appointments_page": page, "query": query.urlencode(), "today": timezone.localdate()}


def needs_visit(item: ServiceItem) -> bool:
    """Return whether applicants of an item come to the hall (level 3 or lower, or a visit needed)."""
    return item.online_depth <= ServiceItem.Depth.ONE_VISIT or item.visits_needed > 0


def guide_appointments_section(request, item) -> dict:
    """Return the context of the "book a time at the hall" section of an item's guide page (one query, or none)."""
    if not needs_visit(item):
        return {"needs_visit": False}
    return {
        "needs_visit": True,
        "counters": list(services.counters_for(item).order_by("number")),
        "book_url": f"{reverse('consultations:appointments')}?{urlencode({'item': item.code})}",
    }
