"""The hall desk's forms: find a booking, a walk-in number, a time booked for a caller or visitor."""

from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals.models import ServiceItem
from portal.models import User
from portal.personal_data import exact_q, normalize

from ..models import Counter, Slot

CODE_LENGTH = 8  # codes are six characters; ID numbers and credit codes are eighteen


def is_code(value: str) -> bool:
    """Return whether what the clerk typed is a confirmation code rather than an ID number."""
    return len(normalize(value)) <= CODE_LENGTH


def person_by_id_number(value: str) -> User | None:
    """Return the citizen (by ID number) or enterprise (by credit code) with this whole number."""
    number = normalize(value)
    if not number:
        return None
    return User.objects.filter(exact_q("id_number", number) | Q(credit_code=number)).first()


class FindForm(forms.Form):
    query = forms.CharField(
        label=_("Confirmation code or ID number"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
        help_text=_("The six-character code of the booking, or the visitor's whole ID number."),
    )

    def clean_query(self):
        value = normalize(self.cleaned_data["query"])
        if not is_code(value) and len(value) != 18:
            raise forms.ValidationError(_("Type the six-character code or the whole 18-character ID number."))
        return value


class WalkInForm(forms.Form):
    name = forms.CharField(label=_("Visitor's name"), max_length=50)


class BookForm(forms.Form):
    id_number = forms.CharField(
        label=_("ID number or credit code"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("The person's account is found by the whole number; they receive the booking's notice."),
    )
    item = forms.ModelChoiceField(label=_("item"), queryset=ServiceItem.objects.none(), required=False)
    slot = forms.ModelChoiceField(label=_("time"), queryset=Slot.objects.none(), widget=forms.RadioSelect)

    def __init__(self, *args, counter: Counter, day, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = ServiceItem.objects.filter(
            Q(pk__in=counter.items.values("pk")) | Q(department__in=counter.departments.values("pk")),
            is_active=True,
        ).order_by("code")
        self.fields["slot"].queryset = (
            Slot.objects.filter(counter=counter, day=day, is_closed=False, starts_at__gt=timezone.now())
            .filter(Q(booked_staff__lt=F("staff_capacity")) | Q(booked_online__lt=F("online_capacity")))
            .select_related("counter")
            .order_by("starts_at")
        )
        self.fields["slot"].label_from_instance = self.slot_label

    @staticmethod
    def slot_label(slot: Slot) -> str:
        free = slot.staff_capacity - slot.booked_staff + slot.online_capacity - slot.booked_online
        return _("%(time)s (%(free)s free)") % {"time": f"{timezone.localtime(slot.starts_at):%H:%M}", "free": free}

    def clean_id_number(self):
        person = person_by_id_number(self.cleaned_data["id_number"])
        if person is None:
            raise forms.ValidationError(_("No account has this number: the person registers on the portal first."))
        return person
