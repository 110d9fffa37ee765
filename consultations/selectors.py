"""The selectors of consultations (re-exported from their packages)."""

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

__all__ = [
    "accountable",
    "faq_entry_get",
    "faq_for_item",
    "faq_search",
    "question_figures",
    "question_get_by_token",
    "question_get_for_user",
    "questions_for_staff",
    "questions_of",
    "staff_queue_order",
    "thread",
    "waiting_count",
]
