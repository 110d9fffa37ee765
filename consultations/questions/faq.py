"""The FAQ's search and the check for personal details before an answer is published.

Chinese has no spaces between words, and a word segmenter (jieba and the like) brings a
dictionary to maintain. The search indexes instead every pair of adjacent Chinese
characters and every Latin word or number of a published entry (``FaqTerm``), the method
CJK search engines use: a query is cut the same way, and the entries sharing the most of
its terms, title terms counting more, come first. Pairs that say nothing about the subject
(请问, 怎么, 需要...) are neither indexed nor searched: they would match every entry.

One query on the terms' index (``term``, ``entry``, ``weight``: PostgreSQL answers it from the
index alone) with a grouped count, the same on PostgreSQL and SQLite. Only published entries
have terms (``services._index``), so a search of the whole FAQ joins nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

TITLE_WEIGHT = 3
TEXT_WEIGHT = 1
MAX_QUERY_TERMS = 24
# An entry must share this many of the query's terms (or all of them, when the query has fewer):
# one shared pair out of a sentence is chance, not a similar question.
MIN_SHARED_TERMS = 2
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[0-9a-z]+")
# Pairs of function words found in almost every question; they carry no subject.
STOP_PAIRS = frozenset(
    [
        "请问",
        "问一",
        "一下",
        "怎么",
        "怎样",
        "如何",
        "什么",
        "哪些",
        "哪里",
        "是否",
        "可以",
        "能否",
        "需要",
        "要求",
        "我们",
        "我的",
        "你们",
        "您好",
        "谢谢",
        "一个",
        "这个",
        "那个",
        "的是",
        "了吗",
        "是什",
        "么时",
        "时候",
        "多少",
        "办理",
    ]
)


def terms_of(text: str) -> list[str]:
    """Return the search terms of a text: Chinese character pairs and Latin words, in order, once each."""
    text = (text or "").lower()
    found: dict[str, None] = {}
    for run in _HAN.findall(text):
        for start in range(len(run) - 1):
            pair = run[start : start + 2]
            if pair not in STOP_PAIRS:
                found[pair] = None
    for word in _WORD.findall(text):
        if len(word) >= 2 or word.isdigit():
            found[word[:20]] = None
    return list(found)


def entry_terms(question_text: str, answer_text: str) -> dict[str, int]:
    """Return the weighted terms of an entry: its question's terms count more than its answer's."""
    weights = dict.fromkeys(terms_of(answer_text), TEXT_WEIGHT)
    weights.update(dict.fromkeys(terms_of(question_text), TITLE_WEIGHT))
    return weights


def search(entries, query: str, *, item=None, department=None, limit: int = 10):
    """Return published entries ranked by the terms they share with the query (best first).

    ``entries`` is the published entries (with what the caller wants selected); ``item`` or
    ``department`` narrows the search. A query of a single Chinese character has no pair:
    it matches the questions that contain it, newest first.
    """
    from .models import FaqTerm  # noqa: PLC0415 - the models import this module's callers

    query = (query or "").strip()
    terms = terms_of(query)[:MAX_QUERY_TERMS]
    if item is not None:
        entries = entries.filter(item=item)
    elif department is not None:
        entries = entries.filter(department=department)
    if not terms:
        if len(query) == 1 and _HAN.fullmatch(query):
            return list(entries.filter(question_text__contains=query).order_by("-published_at", "-id")[:limit])
        return []
    postings = FaqTerm.objects.filter(term__in=terms)
    if item is not None:
        postings = postings.filter(entry__item=item)
    elif department is not None:
        postings = postings.filter(entry__department=department)
    ranked = (
        postings.values("entry")
        .annotate(hits=Count("entry"), score=Sum("weight"))
        .filter(hits__gte=min(MIN_SHARED_TERMS, len(terms)))
        .order_by("-hits", "-score", "-entry")[:limit]
    )
    scores = {row["entry"]: (row["hits"], row["score"]) for row in ranked}
    found = entries.in_bulk(list(scores))
    return [found[pk] for pk in sorted(scores, key=lambda pk: (-scores[pk][0], -scores[pk][1], -pk)) if pk in found]


# --- personal details in a text meant for publication ---------------------------------------

_ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)|(?<!\d)\d{15}(?!\d)")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_PHONE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
_LONG_NUMBER = re.compile(r"(?<!\d)\d{6,}(?!\d)")


@dataclass(frozen=True)
class Flag:
    """A stretch of text that looks like a personal detail."""

    kind: str
    text: str


def personal_details(text: str, *, names: list[str] = ()) -> list[Flag]:
    """Return what in a text looks like an ID number, a phone number, a long number or one of the names."""

    flags: list[Flag] = []
    seen: set[str] = set()

    def add(kind: str, value: str):
        if value not in seen:
            seen.add(value)
            flags.append(Flag(kind=kind, text=value))

    for match in _ID_NUMBER.findall(text):
        add(_("ID number"), match)
    for match in _MOBILE.findall(text):
        add(_("Mobile number"), match)
    for match in _PHONE.findall(text):
        add(_("Phone number"), match)
    for match in _LONG_NUMBER.findall(text):
        if match not in seen:
            add(_("Long number (reference, account?)"), match)
    for name in names:
        name = (name or "").strip()
        if len(name) >= 2 and name in text:
            add(_("Name of the asker"), name)
        # A Chinese name is often written as surname plus 先生/女士.
        if len(name) >= 2 and re.search(re.escape(name[0]) + r"(先生|女士|同志)", text):
            add(_("Name of the asker"), name[0] + "…")
    return flags
