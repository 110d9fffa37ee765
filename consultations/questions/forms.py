"""Forms of the public side of consultation: asking, following up, searching the FAQ."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from approvals import uploads
from approvals.models import Application, ServiceItem, State
from portal.forms import clean_person_name, plain_error_messages
from portal.models import Department
from portal.validators import validate_mobile

from .models import Topic

ATTACHMENT_FORMATS = ["pdf", "jpg", "png"]
# The newest applications offered in the "which application" list; older ones are rarely asked about.
APPLICATION_CHOICES = 50


def item_choices() -> list:
    """Return the active items grouped by department, as <optgroup>s of a select (value: the item code)."""
    groups: dict[str, list] = {}
    items = ServiceItem.objects.filter(is_active=True).select_related("department")
    for item in items.order_by("department__sort_order", "department__name", "code"):
        groups.setdefault(item.department.name, []).append((item.code, item.name))
    return [("", _("Choose the item (or leave empty and choose a department)")), *groups.items()]


class AskForm(forms.Form):
    """A question: about an item, or a department when no item fits, or neither (the general window).

    Signed-in citizens and enterprises are named from their account; anyone else gives a name
    and a mobile number, to which the link to their question is sent.
    """

    name = forms.CharField(label=_("Your name"), max_length=50)
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=11,
        help_text=_("We text you the link to your question and tell you when the answer is ready."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    item = forms.ChoiceField(label=_("Item"), required=False)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("Not sure: the hall's general window"),
        help_text=_("Only when no item fits your question."),
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    subject = forms.CharField(label=_("Subject"), max_length=60)
    body = forms.CharField(label=_("Your question"), widget=forms.Textarea(attrs={"rows": 6}))
    application = forms.CharField(
        label=_("Application concerned (optional)"), required=False, widget=forms.Select(choices=[])
    )
    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
        help_text=_("One PDF, JPG or PNG file."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    # Set once the asker has seen the FAQ answers closest to their question (ask.js, or the page itself).
    faq_seen = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # One token per ask page: the same form sent twice (a double click, a resent page) finds its question.
    form_token = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user if user is not None and user.is_authenticated else None
        self.attachment_check: uploads.CheckedUpload | None = None
        self.fields["item"].choices = item_choices()
        self.fields["department"].queryset = Department.objects.filter(is_active=True)
        body = self.fields["body"]
        body.max_length = settings.QUESTION_MAX_LENGTH
        body.validators.append(MaxLengthValidator(settings.QUESTION_MAX_LENGTH))
        body.widget.attrs["maxlength"] = str(settings.QUESTION_MAX_LENGTH)
        body.help_text = _("At most %(limit)d characters.") % {"limit": settings.QUESTION_MAX_LENGTH}
        max_mb = settings.QUESTION_ATTACHMENT_MAX_BYTES // (1024 * 1024)
        self.fields["attachment"].help_text = _("One PDF, JPG or PNG file of at most %(mb)d MB.") % {"mb": max_mb}
        if self.user is not None:
            # Named by the account; the answer comes to the personal centre.
            del self.fields["name"]
            del self.fields["mobile"]
            applications = (
                Application.objects.filter(applicant=self.user)
                .exclude(state=State.DRAFT)
                .select_related("item")
                .order_by("-created_at", "-id")[:APPLICATION_CHOICES]
            )
            self.fields["application"].widget.choices = [("", _("No application of mine"))] + [
                (a.reference, f"{a.reference} {a.item.name}") for a in applications
            ]
        else:
            del self.fields["application"]
        plain_error_messages(self)

    def clean_name(self):
        return clean_person_name(self.cleaned_data["name"])

    def clean_mobile(self):
        mobile = "".join(self.cleaned_data["mobile"].split())
        validate_mobile(mobile)
        return mobile

    def clean_item(self) -> ServiceItem | None:
        code = self.cleaned_data.get("item")
        if not code:
            return None
        item = ServiceItem.objects.select_related("department").filter(code=code, is_active=True).first()
        if item is None:
            raise ValidationError(_("Item: please choose one of the options given."), code="invalid_choice")
        return item

    def clean_application(self) -> Application | None:
        # Any reference is looked up: the service decides whether it is the asker's (and says so).
        reference = (self.cleaned_data.get("application") or "").strip()
        if not reference:
            return None
        application = Application.objects.filter(reference=reference).first()
        if application is None:
            raise ValidationError(_("The application you referred to is not one of yours."), code="not_yours")
        return application

    def clean_attachment(self):
        uploaded = self.cleaned_data.get("attachment")
        if not uploaded:
            return None
        self.attachment_check = uploads.check_upload(
            uploaded, accepted=ATTACHMENT_FORMATS, max_bytes=settings.QUESTION_ATTACHMENT_MAX_BYTES
        )
        return uploaded

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("item") is not None:
            # The item decides the department; a department chosen as well is not used.
            cleaned["department"] = None
        return cleaned

    def suggest_query(self) -> str:
        """Return the text to look for similar answers with: the subject and the question."""
        return f"{self.cleaned_data.get('subject', '')} {self.cleaned_data.get('body', '')}".strip()


class FollowUpForm(forms.Form):
    text = forms.CharField(label=_("Your follow-up question"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].max_length = settings.QUESTION_MAX_LENGTH
        self.fields["text"].validators.append(MaxLengthValidator(settings.QUESTION_MAX_LENGTH))
        self.fields["text"].widget.attrs["maxlength"] = str(settings.QUESTION_MAX_LENGTH)
        plain_error_messages(self)


class FaqSearchForm(forms.Form):
    q = forms.CharField(label=_("Search the answers"), required=False, max_length=100)
    item = forms.ChoiceField(label=_("Item"), required=False)
    department = forms.ChoiceField(label=_("Department"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = item_choices()
        self.fields["item"].choices = [("", _("All items")), *choices[1:]]
        self.fields["department"].choices = [("", _("All departments"))] + [
            (d.code, d.name) for d in Department.objects.filter(is_active=True)
        ]
        for name in ("item", "department"):
            self.fields[name].widget.attrs["class"] = "form-select"
