"""Ratings and rectifications in the admin, for supervisors, read-only (the departments' screens follow)."""

from django.contrib import admin

from portal.admin import ReadOnlyAdmin

from .models import Rating, Rectification


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["rated_at", "kind", "department", "level", "anonymous"]
    list_filter = ["kind", "level"]
    list_select_related = ["department"]


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["opened_at", "department", "visit_due_at", "current_due_at", "outcome", "closed_at"]
    list_filter = ["outcome"]
    list_select_related = ["department", "rating"]
