"""Sections of the personal centre (/me/), contributed by the apps.

The portal core may not import the apps that build on it, so each app registers its
section in its AppConfig.ready(): a template and a function returning its context.
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
    """Add (or replace) a section of the personal centre."""
    _sections[name] = Section(order=order, template=template, context=context)


def sections() -> list[Section]:
    """Return the registered sections in display order."""
    return sorted(_sections.values(), key=lambda s: s.order)
