"""The staff's question queue and the FAQ in the admin."""

from django.contrib import admin

from .models import FaqEntry, Question, ReplyLimit


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["reference", "subject", "state", "department", "current_due_at"]


@admin.register(FaqEntry)
class FaqEntryAdmin(admin.ModelAdmin):
    list_display = ["question_text", "item", "department", "published_at"]


@admin.register(ReplyLimit)
class ReplyLimitAdmin(admin.ModelAdmin):
    list_display = ["kind", "amount"]
