"""The forms of the staff's question pages: each step's input, cleaned to what its service takes."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from approvals.models import ServiceItem
from portal import roles
from portal.forms import plain_error_messages
from portal.models import Department
from portal.validators import validate_mobile

from .. import services
from ..models import FaqEntry, Question, ReplyKind, Topic


def _items():
    return ServiceItem.objects.filter(is_active=True).select_related("department").order_by("department", "name")


def _departments():
    return Department.objects.filter(is_active=True)


class ClassifyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of reply"), choices=ReplyKind.choices, widget=forms.RadioSelect)

    def __init__(self, *args, question: Question, due_by_kind: dict, **kwargs):
        super().__init__(*args, initial={"kind": question.reply_kind}, **kwargs)
        # Each kind shows the deadline it would set, so the handler sees what they choose.
        self.fields["kind"].choices = [
            (value, _("%(kind)s — due %(due)s") % {"kind": label, "due": f"{due_by_kind[value]:%Y-%m-%d %H:%M}"})
            for value, label in ReplyKind.choices
        ]
        plain_error_messages(self)


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 8}))
    basis_document = forms.CharField(
        label=_("Policy document"),
        max_length=200,
        required=False,
        help_text=_("Name and number, e.g. 《建筑工程施工许可管理办法》(住建部令第18号)"),
    )
    basis_article = forms.CharField(label=_("Article"), max_length=100, required=False)
    guide_item = forms.ModelChoiceField(
        label=_("Link to an item guide"), queryset=ServiceItem.objects.none(), required=False
    )

    def __init__(self, *args, question: Question, **kwargs):
        super().__init__(*args, initial={"guide_item": question.item_id}, **kwargs)
        self.fields["guide_item"].queryset = _items()
        plain_error_messages(self)


class CorrectForm(forms.Form):
    text = forms.CharField(
        label=_("Correction"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Sent to the asker as a new message below the answer; the answer itself stays as it was sent."),
    )
    basis_document = forms.CharField(label=_("Policy document"), max_length=200, required=False)
    basis_article = forms.CharField(label=_("Article"), max_length=100, required=False)

    def __init__(self, *args, question: Question, **kwargs):
        super().__init__(*args, **kwargs)
        plain_error_messages(self)


class ForwardForm(forms.Form):
    to = forms.ModelChoiceField(
        label=_("Forward to"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("The hall's general window"),
    )
    note = forms.CharField(
        label=_("Note for the receiving department"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Staff only: why the question belongs there. The first responder stays accountable."),
    )

    def __init__(self, *args, question: Question, **kwargs):
        super().__init__(*args, **kwargs)
        # Only departments with consultation staff to take the question up; the general window always.
        reachable = _departments().filter(staff__is_active=True, staff__groups__name=roles.CONSULTANT).distinct()
        self.fields["to"].queryset = reachable.exclude(pk=question.department_id)
        plain_error_messages(self)

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError(_("Say in a note why the question goes to the other department."))
        return note


class RecordForm(forms.Form):
    """A question received by phone or at the window, typed in by the member of staff who took it."""

    # One token per record page: the same form sent twice finds the question it recorded.
    form_token = forms.UUIDField(required=False, widget=forms.HiddenInput)
    channel = forms.ChoiceField(
        label=_("Received"),
        choices=[(Question.Channel.PHONE, _("By phone")), (Question.Channel.WINDOW, _("At the window"))],
        widget=forms.RadioSelect,
        initial=Question.Channel.PHONE,
    )
    name = forms.CharField(label=_("Asker's name"), max_length=50)
    mobile = forms.CharField(
        label=_("Asker's mobile number"),
        max_length=11,
        required=False,
        help_text=_("Needed for a question by phone, to send the answer; optional at the window."),
    )
    item = forms.ModelChoiceField(label=_("Item"), queryset=ServiceItem.objects.none(), required=False)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("The hall's general window"),
        help_text=_("When no item fits; the item's department is used when an item is chosen."),
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    subject = forms.CharField(label=_("Subject"), max_length=60)
    body = forms.CharField(
        label=_("Question"), widget=forms.Textarea(attrs={"rows": 6}), max_length=settings.QUESTION_MAX_LENGTH
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = _items()
        self.fields["department"].queryset = _departments()
        plain_error_messages(self)

    def clean_mobile(self):
        mobile = self.cleaned_data["mobile"].strip()
        if mobile:
            validate_mobile(mobile)
        return mobile

    def clean(self):
        data = super().clean()
        if data.get("channel") == Question.Channel.PHONE and not data.get("mobile"):
            self.add_error("mobile", _("Give the caller's mobile number so that the answer reaches them."))
        return data


class PublishForm(forms.Form):
    """A question and its answer as they will be published, edited free of personal details."""

    question_text = forms.CharField(
        label=_("Question"),
        max_length=FaqEntry._meta.get_field("question_text").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    answer_text = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 8}))
    basis = forms.CharField(label=_("Policy basis"), max_length=300, required=False)
    item = forms.ModelChoiceField(
        label=_("Item"),
        queryset=ServiceItem.objects.none(),
        required=False,
        help_text=_("The entry is listed on this item's guide page."),
    )
    # Set by the preview: a signature of the text previewed, so nothing unseen is published.
    previewed = forms.CharField(widget=forms.HiddenInput, required=False)
    confirm = forms.BooleanField(
        label=_("I have checked the flagged passages: they are not personal details"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        items = _items()
        if services.faq_department_only(user):
            items = items.filter(department_id=user.department_id)
        self.fields["item"].queryset = items
        plain_error_messages(self)

    def publishable_text(self) -> str:
        """Return the text checked for personal details and published (what the preview signs)."""
        data = self.cleaned_data
        return "\n".join([data["question_text"], data["answer_text"], data.get("basis", "")])


class FaqEntryForm(forms.ModelForm):
    class Meta:
        model = FaqEntry
        fields = ["item", "question_text", "answer_text", "basis", "is_published"]
