"""Sections a page leaves to the apps built on top of its own: one registry per page.

An app lower in the layers (the core, approvals) may not import the apps above it, so a page
that shows their work names a registry here and each app registers its section in its
AppConfig.ready(): a template and a function returning the section's context. A section's
context function must cost the same few queries whatever the page holds: query counts per
page are asserted.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    order: int
    template: str
    context: Callable


class Sections:
    """The sections of one page, by name; registering a name again replaces it."""

    def __init__(self) -> None:
        self._sections: dict[str, Section] = {}

    def register(self, name: str, *, order: int, template: str, context: Callable) -> None:
        """Add (or replace) a section."""
        self._sections[name] = Section(order=order, template=template, context=context)

    def unregister(self, name: str) -> None:
        """Remove a section (tests register their own and take it away again)."""
        self._sections.pop(name, None)

    def sections(self) -> list[Section]:
        """Return the registered sections in display order."""
        return sorted(self._sections.values(), key=lambda s: s.order)

    def rendered(self, *args) -> list[dict]:
        """Return each section's template and context for the page's arguments, in display order."""
        return [{"template": s.template, **s.context(*args)} for s in self.sections()]
