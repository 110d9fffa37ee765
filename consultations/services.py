"""The services of consultations (re-exported from their packages)."""

from .questions.services import (
    faq_publish,
    faq_save,
    handler_gone,
    may_follow_up,
    may_take_up,
    question_answer,
    question_ask,
    question_claim,
    question_classify,
    question_correct,
    question_follow_up,
    question_forward,
    question_record,
    question_release,
    question_resolve,
    staff_badge,
)

__all__ = [
    "faq_publish",
    "faq_save",
    "may_follow_up",
    "handler_gone",
    "may_take_up",
    "question_answer",
    "question_ask",
    "question_claim",
    "question_classify",
    "question_correct",
    "question_follow_up",
    "question_forward",
    "question_record",
    "question_release",
    "question_resolve",
    "staff_badge",
]
