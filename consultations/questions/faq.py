"""The FAQ's search and the check for personal details before an answer is published.

Chinese has no spaces between words, and a word segmenter (jieba and the like) brings a
dictionary to maintain. The search indexes instead every pair of adjacent Chinese
characters and every Latin word or number of a published entry (``FaqTerm``), the method
CJK search engines use: a query is cut the same way, and the entries sharing the most of
its terms, title terms counting more, come first. One indexed ``IN`` query and a grouped
count, the same on PostgreSQL and SQLite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Count, Sum

TITLE_WEIGHT = 3
TEXT_WEIGHT = 1
MAX_QUERY_TERMS = 24
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[0-9a-z]+")


def terms_of(text: str) -> list[str]:
    """Return the search terms of a text: Chinese character pairs and Latin words, in order, once each."""
    text = (text or "").lower()
    found: dict[str, None] = {}
    for run in _HAN.findall(text):
        if len(run) == 1:
            found[run] = None
        for start in range(len(run) - 1):
            found[run[start : start + 2]] = None
    for word in _WORD.findall(text):
        if len(word) >= 2 or word.isdigit():
            found[word[:20]] = None
    return list(found)


def entry_terms(question_text: str, answer_text: str) -> dict[str, int]:
    """Return the weighted terms of an entry: its question's terms count more than its answer's."""
    weights = dict.fromkeys(terms_of(answer_text), TEXT_WEIGHT)
    weights.update(dict.fromkeys(terms_of(question_text), TITLE_WEIGHT))
    return weights


def search(entries, query: str, *, limit: int = 10):
    """Return published entries ranked by the terms they share with the query (best first).

    ``entries`` is the queryset to search in (e.g. the published entries of one item). A query
    of one Chinese character matches the questions that contain it.
    """
    terms = terms_of(query)[:MAX_QUERY_TERMS]
    if not terms:
        return []
    from .models import FaqTerm  # noqa: PLC0415 - models import this module's callers

    ranked = (
        FaqTerm.objects.filter(term__in=terms, entry__in=entries)
        .values("entry")
        .annotate(score=Sum("weight"), hits=Count("id"))
        .order_by("-hits", "-score", "-entry")[:limit]
    )
    scores = {row["entry"]: (row["hits"], row["score"]) for row in ranked}
    found = {entry.pk: entry for entry in entries.filter(pk__in=scores)}
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
    from django.utils.translation import gettext as _  # noqa: PLC0415

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
