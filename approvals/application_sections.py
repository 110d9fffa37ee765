"""Sections of an applicant's application page (/me/applications/<reference>/), from the apps above.

Like the guide page's sections: each app registers a template and a function of
(request, application) returning its context, at the same few queries for any application.
"""

from portal.sections import Sections

_registry = Sections()
register = _registry.register
unregister = _registry.unregister
sections = _registry.sections
rendered = _registry.rendered
