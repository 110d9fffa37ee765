"""Sections a page leaves to the apps built on top of its own: one registry per page.

An app lower in the layers (the core, approvals) may not import the apps above it, so a page
that shows their work names a registry here and each app registers its section in its
AppConfig.ready(): a template and a function returning the section's context. A section's
context function must cost the same few queries whatever the page holds: query counts per
page are asserted.

A section whose HTML depends only on the page's arguments and on rows of a few models (not on who
asks) names those models with ``watch=``: its HTML is then held with the page's fragments
(portal/page_cache.py) under a version of its own, bumped by any change of those rows, and also
under the catalogue's version.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from . import page_cache


@dataclass(frozen=True)
class Section:
    order: int
    template: str
    context: Callable
    name: str = ""
    version: str = ""  # the page cache's version of a held section; "" when rendered on each request


class Sections:
    """The sections of one page, by name; registering a name again replaces it."""

    def __init__(self, page: str = "") -> None:
        self._page = page
        self._sections: dict[str, Section] = {}

    def register(self, name: str, *, order: int, template: str, context: Callable, watch: tuple = ()) -> None:
        """Add (or replace) a section; with `watch`, its HTML is held until a row of those models changes."""
        version = ""
        if watch:
            version = f"section:{self._page}:{name}"
            page_cache.watch(*watch, version=version)
        self._sections[name] = Section(order=order, template=template, context=context, name=name, version=version)

    def unregister(self, name: str) -> None:
        """Remove a section (tests register their own and take it away again)."""
        self._sections.pop(name, None)

    def sections(self) -> list[Section]:
        """Return the registered sections in display order."""
        return sorted(self._sections.values(), key=lambda s: s.order)

    def rendered(self, *args) -> list[dict]:
        """Return each section's template and context for the page's arguments, in display order."""
        return [{"template": s.template, **s.context(*args)} for s in self.sections()]

    def versions(self) -> list[str]:
        """Return the page cache's versions of the held sections (the page reads them with its own)."""
        return [s.version for s in self.sections() if s.version]

    def html(self, request, *args, key: tuple) -> list[str]:
        """Return each section's HTML for the page's arguments, in display order; `key` names the arguments.

        A section registered with ``watch`` is rendered without the request's context (nothing personal,
        no CSRF token) and held in the page cache under `key`; the others are rendered on each request.
        """
        sections = self.sections()
        page_cache.read_versions(request, *self.versions())

        def render(section: Section, with_request) -> str:
            context = {"section": {"template": section.template, **section.context(request, *args)}}
            return render_to_string(section.template, context, request=with_request)

        html = []
        for section in sections:
            if section.version:
                name = f"{self._page}-section:{section.name}"
                held = page_cache.fragment(
                    request, name, key, lambda s=section: render(s, None), depends_on=(section.version,)
                )
            else:
                held = render(section, request)
            html.append(mark_safe(held))  # noqa: S308 - our own templates' HTML
        return html
