"""Sections of an item's guide page (/services/<code>/), contributed by the apps built on approvals.

Approvals may not import the apps above it (consultations, licenses), so each app registers
its section in its AppConfig.ready(): a template and a function of (request, item) returning
its context. A section's context function must cost the same few queries whatever the item
holds: the guide page's query count is asserted. A section that shows the same to everybody names
the models it reads (``watch=``): its HTML is then held per item until one of their rows changes.
"""

from portal.sections import Sections

_registry = Sections("guide")
register = _registry.register
unregister = _registry.unregister
sections = _registry.sections
rendered = _registry.rendered
html = _registry.html
versions = _registry.versions
