"""The FAQ entries: consultation staff keep their department's, window clerks all, supervisors read.

Entries are published from an answered question (publish.py), so there is no add page; an edit
is saved through services.faq_save, which re-indexes the entry for the search.
"""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from approvals.models import ServiceItem
from portal import errors

from .. import services
from ..models import FaqEntry
from .forms import FaqEntryForm

department_only = services.faq_department_only


@admin.register(FaqEntry)
class FaqEntryAdmin(admin.ModelAdmin):
    form = FaqEntryForm
    list_display = ["short_question", "item", "department", "is_published", "published_at"]
    list_select_related = ["item", "department"]
    list_filter = ["is_published", "department"]
    search_fields = ["question_text"]
    list_per_page = 50
    readonly_fields = ["department", "source", "published_at", "published_by"]
    fields = ["item", "department", "question_text", "answer_text", "basis", "is_published", *readonly_fields[1:]]
    actions = ["withdraw", "publish_again"]

    def get_queryset(self, request):
        entries = super().get_queryset(request).select_related("item", "department", "source", "published_by")
        if department_only(request.user):
            return (
                entries.filter(department_id=request.user.department_id)
                if request.user.department_id
                else entries.none()
            )
        return entries

    def has_add_permission(self, request):
        return False  # published from an answered question

    def has_delete_permission(self, request, obj=None):
        return False  # withdrawn, never deleted: the search and links keep working until then

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "item":
            items = ServiceItem.objects.filter(is_active=True).select_related("department")
            if department_only(request.user):
                items = items.filter(department_id=request.user.department_id)
            kwargs["queryset"] = items
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("question"), ordering="question_text")
    def short_question(self, obj):
        return format_html('<span class="ow-ellipsis" title="{}">{}</span>', obj.question_text, obj.question_text)

    def save_model(self, request, obj, form, change):
        services.faq_save(actor=request.user, entry=obj)

    def _set_published(self, request, queryset, published: bool):
        done = 0
        for entry in queryset:
            if entry.is_published == published:
                continue
            entry.is_published = published
            try:
                services.faq_save(actor=request.user, entry=entry)
            except errors.ActionRefused as refused:
                self.message_user(request, refused.message, messages.WARNING)
                return
            done += 1
        return done

    @admin.action(description=_("Withdraw the selected entries from the FAQ"), permissions=["change"])
    def withdraw(self, request, queryset):
        done = self._set_published(request, queryset, False)
        if done is not None:
            self.message_user(
                request, ngettext("%(n)d entry withdrawn.", "%(n)d entries withdrawn.", done) % {"n": done}
            )

    @admin.action(description=_("Publish the selected entries again"), permissions=["change"])
    def publish_again(self, request, queryset):
        done = self._set_published(request, queryset, True)
        if done is not None:
            self.message_user(
                request, ngettext("%(n)d entry published again.", "%(n)d entries published again.", done) % {"n": done}
            )
