"""Sections of an item's guide page (/services/<code>/), contributed by the apps built on approvals.

Approvals may not import the apps above it (consultations, licenses), so each app registers
its section in its AppConfig.ready(): a template and a function of (request, item) returning
its context. A section's context function must cost the same few queries whatever the item
holds: the guide page's query count is asserted.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    order: int
    template: str
    context: Callable


_sections: dict[str, Section] = {}


def register(name: str, *, order: int, template: str, context: Callable) -> None:
    """Add (or replace) a section of the guide page."""
    _sections[name] = Section(order=order, template=template, context=context)


def unregister(name: str) -> None:
    """Remove a section (tests register their own and take it away again)."""
    _sections.pop(name, None)


def sections() -> list[Section]:
    """Return the registered sections in display order."""
    return sorted(_sections.values(), key=lambda s: s.order)


def rendered(request, item) -> list[dict]:
    """Return each section's template and context for one item, in display order."""
    return [{"template": s.template, **s.context(request, item)} for s in sections()]
