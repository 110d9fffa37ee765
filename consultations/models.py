"""The models of consultations, one package per part (re-exported here for Django and the apps)."""

from .questions.models import FaqEntry, FaqTerm, Message, Question, ReplyKind, ReplyLimit, Topic

__all__ = ["FaqEntry", "FaqTerm", "Message", "Question", "ReplyKind", "ReplyLimit", "Topic"]
