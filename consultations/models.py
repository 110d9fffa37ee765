"""The models of consultations, one package per part (re-exported here for Django and the apps)."""

from .appointments.models import Appointment, BookingSuspension, Closure, Counter, OpeningRule, QueueTicket, Slot
from .questions.models import FaqEntry, FaqTerm, Message, Question, ReplyKind, ReplyLimit, Topic
from .ratings.models import Rating, RatingInvitation, Rectification

__all__ = [
    "Appointment",
    "BookingSuspension",
    "Closure",
    "Counter",
    "FaqEntry",
    "FaqTerm",
    "Message",
    "OpeningRule",
    "Question",
    "Rating",
    "RatingInvitation",
    "Rectification",
    "QueueTicket",
    "ReplyKind",
    "ReplyLimit",
    "Slot",
    "Topic",
]
