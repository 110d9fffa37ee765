"""Sections of the personal centre (/me/), contributed by the apps.

The portal core may not import the apps that build on it, so each app registers its
section in its AppConfig.ready(): a template and a function of (request) returning its context.
"""

from .sections import Sections

_registry = Sections()
register = _registry.register
unregister = _registry.unregister
sections = _registry.sections
rendered = _registry.rendered
