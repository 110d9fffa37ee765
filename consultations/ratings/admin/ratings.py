"""The ratings, read-only for everybody (superusers too): supervisors read all, the departments their own."""

from django.contrib import admin
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from portal.admin import ReadOnlyAdmin

from .. import selectors
from ..models import Rating
from . import display


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["rated", "kind", "department", "level", "tags_text", "comment_text", "service", "rater_text"]
    list_select_related = ["department", "item", "rater", "application", "question", "appointment"]
    list_per_page = 50
    date_hierarchy = "rated_at"
    fields = [
        "rated",
        "kind",
        "service_text",
        "department",
        "item",
        "level",
        "tags_text",
        "comment",
        "comment_public",
        "rater_text",
        "excluded",
    ]
    readonly_fields = fields
    actions = None

    def get_queryset(self, request):
        return selectors.ratings_for_staff(request.user).select_related("application", "question", "appointment")

    def get_list_filter(self, request):
        filters = ["level", "kind", "excluded", "comment_public"]
        if selectors.sees_everything(request.user):
            filters.append("department")
        return filters

    def get_object(self, request, object_id, from_field=None):
        try:
            return self.get_queryset(request).get(pk=int(object_id))
        except (Rating.DoesNotExist, ValueError):
            return None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.get_object(request, object_id) is None:
            raise Http404("No such rating")  # another department's, or none: not the admin's redirect home
        return super().change_view(request, object_id, form_url, extra_context)

    def get_list_display(self, request):
        # The service's link depends on the user: a column made for this request.
        return [display.service_column(request.user) if name == "service" else name for name in self.list_display]

    def get_actions(self, request):
        return {}

    @admin.display(description=_("rated"), ordering="rated_at")
    def rated(self, obj):
        return display.local(obj.rated_at)

    @admin.display(description=_("tags"))
    def tags_text(self, obj):
        return display.tags_in_words(obj)

    @admin.display(description=_("comment"))
    def comment_text(self, obj):
        return display.comment(obj)

    @admin.display(description=_("service"))
    def service_text(self, obj):
        return display.service_label(obj)

    @admin.display(description=_("service"))
    def service(self, obj):
        return display.service_label(obj)  # replaced per request by a linked column (get_list_display)

    @admin.display(description=_("rater"))
    def rater_text(self, obj):
        return display.rater(obj)
