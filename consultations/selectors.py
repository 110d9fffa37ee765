"""The selectors of consultations (re-exported from their packages)."""

from .appointments.figures import appointment_figures
from .appointments.selectors import appointment_get_for_user, appointments_of, free_days, free_slots
from .questions.selectors import (
    accountable,
    faq_entry_get,
    faq_for_item,
    faq_search,
    question_figures,
    question_get_by_token,
    question_get_for_user,
    questions_for_staff,
    questions_of,
    staff_queue_order,
    thread,
    waiting_count,
)
from .ratings.figures import rating_figures

__all__ = [
    "accountable",
    "appointment_figures",
    "appointment_get_for_user",
    "appointments_of",
    "free_days",
    "free_slots",
    "faq_entry_get",
    "faq_for_item",
    "faq_search",
    "question_figures",
    "question_get_by_token",
    "question_get_for_user",
    "questions_for_staff",
    "questions_of",
    "rating_figures",
    "staff_queue_order",
    "thread",
    "waiting_count",
]
