"""Sections of the personal centre (/me/), contributed by the apps.

The portal core may not import the apps that build on it, so each app registers its
section in its AppConfig.ready(): a template and a function of (request) returning its context.
"""

from django.core.paginator import Page, Paginator

from .sections import Sections


class SectionPaginator(Paginator):
    """A paginator for a personal-centre section: its first page reads one row more and counts nothing
    else when the rows fit on it.

    Most people have fewer rows than one page holds, so the first page's own query tells how many there
    are and the COUNT query is left out; with more rows the first page is the rows already read, so a
    section never costs more queries than Django's paginator.
    """

    _first_rows: list | None = None

    def _read_first(self) -> list:
        if self._first_rows is None:
            self._first_rows = list(self.object_list[: self.per_page + 1])
        return self._first_rows

    @property
    def count(self) -> int:
        if "_count" not in self.__dict__:
            rows = self._read_first()
            self._count = len(rows) if len(rows) <= self.per_page else Paginator.count.func(self)
        return self._count

    def page(self, number) -> Page:
        number = self.validate_number(number)
        if number == 1:
            return self._get_page(self._read_first()[: self.per_page], number, self)
        return super().page(number)


_registry = Sections()
register = _registry.register
unregister = _registry.unregister
sections = _registry.sections
rendered = _registry.rendered
