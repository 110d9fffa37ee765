"""Which filters the admin's list pages accept in their URL: an allow-list, and never a masked field.

Django's admin filters a list by any field named in the query string
(``?applicant_id_number__startswith=1101011990``). On a masked field that reads the hidden
characters back one at a time, and ``__regex`` with a bad pattern is a 500 on PostgreSQL.
``PortalAdminSite.register`` mixes :class:`LookupAllowListMixin` into every model admin, ours
and third-party: a list accepts only the lookups its own filters produce, and none that
touches a masked field. Django answers a refused lookup with HTTP 400.
"""

from django.contrib.admin import widgets
from django.contrib.admin.filters import SimpleListFilter
from django.core.exceptions import FieldDoesNotExist
from django.db.models.constants import LOOKUP_SEP

# Personal identifiers that are shown masked, or not at all: filtering on them would read them back.
# By name on every model (historical copies and related paths included), so a new model that
# reuses a name is covered; public numbers (credit codes, service phones) are not listed.
MASKED_FIELD_NAMES = frozenset(
    {
        "id_number",
        "applicant_id_number",
        "agent_id_number",
        "holder_id_number",
        "collector_id_number",
        "mobile",
        "asker_mobile",
        "contact_phone",
        "delivery_phone",
        "email",
        "form_data",
        "password",
    }
)
# Fields masked on one model only (their names are too common to refuse everywhere).
MASKED_MODEL_FIELDS = frozenset(
    {
        ("approvals.application", "delivery_address"),
        ("licenses.certificate", "data"),  # the printed [label, value] pairs hold the holder's ID number
        ("licenses.historicalcertificate", "data"),
    }
)

# What may follow an allowed field in a filter's parameter: the lookups and transforms Django's
# own list filters and date hierarchy produce. Text matching (startswith, contains, regex) is not here.
SAFE_SUFFIXES = frozenset(
    {"exact", "isnull", "in", "gte", "gt", "lte", "lt", "year", "month", "day", "isempty", "id", "pk"}
)


def is_masked(model, field_name: str) -> bool:
    """Return whether ``field_name`` of ``model`` holds masked personal data."""
    return field_name in MASKED_FIELD_NAMES or (model._meta.label_lower, field_name) in MASKED_MODEL_FIELDS


def masked_fields(model) -> list[str]:
    """Return the names of the model's concrete fields that hold masked personal data."""
    return [field.name for field in model._meta.get_fields() if field.concrete and is_masked(model, field.name)]


def touches_masked_field(model, lookup: str) -> bool:
    """Return whether a lookup path (``applicant__id_number__startswith``) reaches a masked field."""
    for part in lookup.split(LOOKUP_SEP):
        if is_masked(model, part):
            return True
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if not field.is_relation or field.related_model is None:
            return False
        model = field.related_model
    return False


def _filter_paths(model_admin, request) -> tuple[set[str], set[str]]:
    """Return (field paths, exact parameter names) the admin's own filters use."""
    paths, parameters = set(), set()
    for item in model_admin.get_list_filter(request):
        if isinstance(item, type) and issubclass(item, SimpleListFilter):
            parameters.add(item.parameter_name)
        elif isinstance(item, (list, tuple)):
            paths.add(item[0])
        elif isinstance(item, str):
            paths.add(item)
    if model_admin.date_hierarchy:
        paths.add(model_admin.date_hierarchy)
    paths.update(getattr(model_admin, "allowed_lookups", ()))
    return paths, parameters


def _is_fkey_popup_lookup(model, lookup: str, value) -> bool:
    """Return whether this is a ``limit_choices_to`` filter of a raw-id pop-up (as Django allows)."""
    for fk_lookup in model._meta.related_fkey_lookups:
        if callable(fk_lookup):
            fk_lookup = fk_lookup()
        if (lookup, value) in widgets.url_params_from_lookup_dict(fk_lookup).items():
            return True
    return False


class LookupAllowListMixin:
    """Accept in a list's URL only the lookups of its own filters, and none on a masked field.

    Allowed: the parameter of each custom filter (``SimpleListFilter.parameter_name``), and
    for each field path of ``list_filter``, ``date_hierarchy`` or an explicit
    ``allowed_lookups`` attribute the path followed by what Django's filters use
    (``__exact``, ``__isnull``, ``__gte``, ``__id__exact``, ``__year``...).
    """

    allowed_lookups: tuple[str, ...] = ()

    def get_search_fields(self, request):
        """Drop search fields that reach masked data: a search box is a GET, in every access log."""
        return [
            field
            for field in super().get_search_fields(request)
            if not touches_masked_field(self.model, field.lstrip("^=@"))
        ]

    def lookup_allowed(self, lookup, value, request=None):
        if touches_masked_field(self.model, lookup):
            return False
        if _is_fkey_popup_lookup(self.model, lookup, value):
            return True
        paths, parameters = _filter_paths(self, request)
        if lookup in parameters:
            return True
        for path in paths:
            if lookup == path:
                return True
            if lookup.startswith(path + LOOKUP_SEP):
                rest = lookup[len(path) + len(LOOKUP_SEP) :].split(LOOKUP_SEP)
                if all(part in SAFE_SUFFIXES for part in rest):
                    return True
        return False
