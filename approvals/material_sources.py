"""Materials the city already holds (证照免提交): providers registered by other apps.

approvals calls licenses only once, to issue a certificate at approval; everything else
licenses offers approvals comes through registries like this one: licenses registers a
provider in its AppConfig.ready(). A provider takes an application and returns, for the materials it
can stand in for, what stands in: a label and a link.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Provided:
    label: str
    url: str = ""


_providers: dict[str, Callable] = {}


def register(name: str, provider: Callable) -> None:
    """Add (or replace) a provider: provider(application) -> {material_id: Provided}."""
    _providers[name] = provider


def provided_materials(application) -> dict[int, Provided]:
    """Return the materials of the application that the city's records already provide."""
    found: dict[int, Provided] = {}
    for provider in _providers.values():
        for material_id, provided in provider(application).items():
            found.setdefault(material_id, provided)
    return found
