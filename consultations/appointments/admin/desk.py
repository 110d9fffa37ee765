"""The hall desk: a clerk's screen per window to check visitors in, give numbers, call them, book for them.

Every change is a POST that goes to its service; a lost race or a double click ends in the
service's message on the desk. An ID number is only ever POSTed, never put in an address.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from portal import errors
from portal.admin import ReadOnlyAdmin
from portal.masking import mask_id_number, mask_name
from portal.personal_data import exact_q

from .. import services
from ..models import Appointment, Counter, QueueTicket, Slot
from .bookings import DayFilter, local_time
from .forms import BookForm, FindForm, WalkInForm, is_code

CHECK_IN = "consultations.check_in_appointment"
BOOK = "consultations.book_for_visitor"


def masked_id_of(holder) -> str:
    return mask_id_number(holder.credit_code if holder.kind == holder.Kind.ENTERPRISE else holder.id_number)


@admin.register(QueueTicket)
class QueueTicketAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["label", "counter", "day", "visitor", "walk_in", "state", "calls", "checked_in", "called"]
    list_filter = [DayFilter, "counter", "state", "walk_in"]
    list_select_related = ["counter"]
    date_hierarchy = "day"
    list_per_page = 100
    fields = ["label", "counter", "day", "visitor", "walk_in", "state", "calls", "checked_in", "called"]
    readonly_fields = fields

    @admin.display(description=_("visitor"))
    def visitor(self, obj):
        return mask_name(obj.name)

    @admin.display(description=_("checked in"), ordering="checked_in_at")
    def checked_in(self, obj):
        return local_time(obj.checked_in_at)

    @admin.display(description=_("last called"), ordering="called_at")
    def called(self, obj):
        return local_time(obj.called_at) if obj.called_at else "—"

    # --- the desk ------------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        prefix = "consultations_queueticket_desk"
        one = "desk/<int:counter_id>"
        return [
            path("desk/", view(self.desk_index_view), name=f"{prefix}_index"),
            path(f"{one}/", view(self.desk_view), name=prefix),
            path(f"{one}/find/", view(self.find_view), name=f"{prefix}_find"),
            path(
                "desk/<int:counter_id>/confirm/<int:appointment_id>/", view(self.confirm_view), name=f"{prefix}_confirm"
            ),
            path(f"{one}/check-in/", view(self.check_in_view), name=f"{prefix}_check_in"),
            path(f"{one}/walk-in/", view(self.walk_in_view), name=f"{prefix}_walk_in"),
            path(f"{one}/call/", view(self.call_view), name=f"{prefix}_call"),
            path(
                "desk/<int:counter_id>/ticket/<int:ticket_id>/<str:action>/",
                view(self.ticket_view),
                name=f"{prefix}_ticket",
            ),
            path(f"{one}/number/<int:ticket_id>/", view(self.number_view), name=f"{prefix}_number"),
            path(f"{one}/book/", view(self.book_view), name=f"{prefix}_book"),
            *super().get_urls(),
        ]

    def _counter(self, request, counter_id, permission=CHECK_IN) -> Counter:
        if not request.user.has_perm(permission):
            raise PermissionDenied
        return get_object_or_404(Counter, pk=counter_id)

    def _context(self, request, counter, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "counter": counter,
            "title": title,
            "may_book": request.user.has_perm(BOOK),
            **extra,
        }

    def _desk_url(self, counter) -> str:
        return reverse("admin:consultations_queueticket_desk", args=[counter.pk])

    def desk_index_view(self, request):
        """List the windows with today's bookings still to check in and the numbers waiting."""
        if not request.user.has_perm(CHECK_IN):
            raise PermissionDenied
        today = timezone.localdate()
        to_check_in = dict(
            Appointment.objects.filter(day=today, state=Appointment.State.BOOKED)
            .values("counter")
            .annotate(n=Count("pk"))
            .values_list("counter", "n")
        )
        waiting = dict(
            QueueTicket.objects.filter(day=today, state=QueueTicket.State.WAITING)
            .values("counter")
            .annotate(n=Count("pk"))
            .values_list("counter", "n")
        )
        counters = [
            (counter, to_check_in.get(counter.pk, 0), waiting.get(counter.pk, 0))
            for counter in Counter.objects.order_by("number")
        ]
        context = self._context(request, None, _("Hall desk: today's appointments"), counters=counters, today=today)
        return TemplateResponse(request, "admin/consultations/queueticket/desk_index.html", context)

    def desk_view(self, request, counter_id, find_form=None, walk_in_form=None, find_error=None):
        """Show one window's desk: check-in, walk-ins, the number being called, the queue, today's bookings."""
        counter = self._counter(request, counter_id)
        today = timezone.localdate()
        tickets = QueueTicket.objects.filter(counter=counter, day=today)
        called = list(tickets.filter(state=QueueTicket.State.CALLED).order_by("called_at", "number"))
        waiting = list(services.queue_order(tickets.filter(state=QueueTicket.State.WAITING)))
        bookings = list(
            Appointment.objects.filter(counter=counter, day=today, state=Appointment.State.BOOKED)
            .select_related("holder", "slot", "item")
            .order_by("slot__starts_at", "pk")
        )
        done = tickets.aggregate(
            served=Count("pk", filter=Q(state=QueueTicket.State.SERVED)),
            missed=Count("pk", filter=Q(state=QueueTicket.State.MISSED)),
        )
        context = self._context(
            request,
            counter,
            _("Hall desk: window %(number)s %(name)s") % {"number": counter.number, "name": counter.name},
            today=today,
            called=called,
            waiting=waiting,
            bookings=[(b, masked_id_of(b.holder)) for b in bookings],
            done=done,
            missed_after=settings.APPOINTMENT_MISSED_AFTER_CALLS,
            find_form=find_form or FindForm(),
            find_error=find_error,
            walk_in_form=walk_in_form or WalkInForm(),
        )
        return TemplateResponse(request, "admin/consultations/queueticket/desk.html", context)

    def _confirm_page(self, request, counter, appointments):
        rows = [(a, masked_id_of(a.holder), local_time(a.slot.starts_at)) for a in appointments]
        context = self._context(
            request, counter, _("Check in: confirm the visitor's identity"), rows=rows, today=timezone.localdate()
        )
        return TemplateResponse(request, "admin/consultations/queueticket/desk_confirm.html", context)

    def find_view(self, request, counter_id):
        """Find a booking by its code, or today's bookings by the holder's ID number (POSTed, never in the URL)."""
        counter = self._counter(request, counter_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        form = FindForm(request.POST)
        if not form.is_valid():
            return self.desk_view(request, counter.pk, find_form=form)
        query = form.cleaned_data["query"]
        found = Appointment.objects.select_related("holder", "slot", "item", "counter")
        if is_code(query):
            found = found.filter(code=query)
        else:
            found = found.filter(
                exact_q("holder__id_number", query) | Q(holder__credit_code=query),
                day=timezone.localdate(),
                state__in=[Appointment.State.BOOKED, Appointment.State.CHECKED_IN],
            )
        appointments = list(found.order_by("slot__starts_at"))
        if not appointments:
            # A fresh form: the number typed is not shown back.
            error = (
                _("No booking has this code.")
                if is_code(query)
                else _("This ID number has no booking today; give the visitor a walk-in number or book a time.")
            )
            return self.desk_view(request, counter.pk, find_error=error)
        return self._confirm_page(request, counter, appointments)

    def confirm_view(self, request, counter_id, appointment_id):
        """Show a booking of today's list for the clerk to check the visitor's identity (changes nothing)."""
        counter = self._counter(request, counter_id)
        appointment = get_object_or_404(
            Appointment.objects.select_related("holder", "slot", "item", "counter"), pk=appointment_id
        )
        return self._confirm_page(request, counter, [appointment])

    def check_in_view(self, request, counter_id):
        """Check the visitor in once the clerk confirmed their identity, and show the number issued."""
        counter = self._counter(request, counter_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            appointment_id = int(request.POST.get("appointment", ""))
        except ValueError:
            raise Http404("No such appointment") from None
        appointment = get_object_or_404(Appointment, pk=appointment_id)
        try:
            ticket = services.check_in(appointment_id=appointment.pk, actor=request.user)
        except errors.ActionRefused as refused:
            self.message_user(request, refused.message, messages.WARNING)
            return redirect(self._desk_url(counter))
        return redirect("admin:consultations_queueticket_desk_number", counter.pk, ticket.pk)

    def walk_in_view(self, request, counter_id):
        """Give a visitor without a booking a number of this window's queue."""
        counter = self._counter(request, counter_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        form = WalkInForm(request.POST)
        if not form.is_valid():
            return self.desk_view(request, counter.pk, walk_in_form=form)
        try:
            ticket = services.walk_in_ticket(counter=counter, name=form.cleaned_data["name"], actor=request.user)
        except errors.ActionRefused as refused:
            self.message_user(request, refused.message, messages.WARNING)
            return redirect(self._desk_url(counter))
        return redirect("admin:consultations_queueticket_desk_number", counter.pk, ticket.pk)

    def number_view(self, request, counter_id, ticket_id):
        """Show a number just issued, large, for the clerk to tell the visitor."""
        counter = self._counter(request, counter_id)
        ticket = get_object_or_404(QueueTicket.objects.select_related("counter", "appointment"), pk=ticket_id)
        position = services.queue_order(
            QueueTicket.objects.filter(counter_id=ticket.counter_id, day=ticket.day, state=QueueTicket.State.WAITING)
        ).values_list("pk", flat=True)
        ahead = list(position).index(ticket.pk) if ticket.state == QueueTicket.State.WAITING else None
        context = self._context(
            request, counter, _("Queue number %(label)s") % {"label": ticket.label}, ticket=ticket, ahead=ahead
        )
        return TemplateResponse(request, "admin/consultations/queueticket/desk_number.html", context)

    def call_view(self, request, counter_id):
        """Call the next number, once the one being called is served or missed (a double click calls no second)."""
        counter = self._counter(request, counter_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            ticket = services.call_next(counter=counter, actor=request.user)
        except errors.ActionRefused as refused:
            self.message_user(request, refused.message, messages.WARNING)
            return redirect(self._desk_url(counter))
        if ticket is None:
            self.message_user(request, _("Nobody is waiting at this window."), messages.INFO)
        else:
            self.message_user(request, _("Calling number %(label)s.") % {"label": ticket.label}, messages.SUCCESS)
        return redirect(self._desk_url(counter))

    def ticket_view(self, request, counter_id, ticket_id, action):
        """Recall a number, or mark it served or missed (missed only after the full number of calls)."""
        counter = self._counter(request, counter_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if action not in ("recall", "served", "missed"):
            raise Http404("No such step")
        ticket = get_object_or_404(QueueTicket, pk=ticket_id, counter=counter)
        try:
            if action == "recall":
                ticket = services.recall(ticket_id=ticket.pk, actor=request.user)
                done = _("Number %(label)s called again (call %(calls)s).")
            else:
                ticket = services.ticket_finish(ticket_id=ticket.pk, served=action == "served", actor=request.user)
                done = _("Number %(label)s: %(state)s.")
        except errors.ActionRefused as refused:
            self.message_user(request, refused.message, messages.WARNING)
        else:
            self.message_user(
                request,
                done % {"label": ticket.label, "calls": ticket.calls, "state": ticket.get_state_display()},
                messages.SUCCESS,
            )
        return redirect(self._desk_url(counter))

    def book_view(self, request, counter_id):
        """Book a time at this window for a caller or visitor, in the places kept for staff first."""
        counter = self._counter(request, counter_id, BOOK)
        today = timezone.localdate()
        day = parse_date(request.GET.get("day") or "") or today
        days = list(
            Slot.objects.filter(counter=counter, day__gte=today, is_closed=False)
            .values_list("day", flat=True)
            .distinct()
            .order_by("day")[:20]
        )
        form = BookForm(request.POST if request.method == "POST" else None, counter=counter, day=day)
        alternatives = []
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                appointment = services.appointment_book(
                    holder=data["id_number"], slot_id=data["slot"].pk, item=data["item"], booked_by=request.user
                )
            except services.SlotTaken as taken:
                form.add_error(None, taken.message)
                alternatives = [local_time(slot.starts_at) for slot in taken.alternatives]
            except errors.ActionRefused as refused:
                form.add_error(None, refused.message)
            else:
                self.message_user(
                    request,
                    _("Booked %(code)s for %(name)s at window %(number)s, %(when)s; they were sent the notice.")
                    % {
                        "code": appointment.code,
                        "name": appointment.holder.display_name,
                        "number": counter.number,
                        "when": local_time(appointment.slot.starts_at),
                    },
                    messages.SUCCESS,
                )
                return redirect(self._desk_url(counter))
        context = self._context(
            request,
            counter,
            _("Book a time at window %(number)s") % {"number": counter.number},
            form=form,
            day=day,
            days=days,
            alternatives=alternatives,
        )
        return TemplateResponse(request, "admin/consultations/queueticket/desk_book.html", context)
