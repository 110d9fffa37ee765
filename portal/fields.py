"""Model fields for personal identifiers kept encrypted at rest (see portal/personal_data.py).

``EncryptedCharField`` stores a Fernet token and gives Python the plain text back, so code,
forms and templates read ``user.id_number`` as before. Its sibling ``LookupHashField``
(``<field>_hash``) holds the keyed hash of the same value, derived whenever it is read, so
``save()``, ``bulk_create()``, ``bulk_update()`` and constraint validation always see the hash
of the current value. Write these fields through model instances: ``QuerySet.update()``
would change the token and leave the hash behind, and ``save(update_fields=[...])`` must
name the hash field beside the encrypted one.
"""

from django.core import checks
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, IsNull
from django.db.models.query_utils import DeferredAttribute
from django.utils.translation import gettext_lazy as _

from . import personal_data


def _unsearchable(field, lookup: str) -> FieldError:
    name = f"{field.model.__name__}.{field.name}" if hasattr(field, "model") else field.name
    return FieldError(
        f"{name} is encrypted: the database cannot compare it (lookup “{lookup}”). "
        f"Find an exact value with portal.personal_data.exact_q({field.name!r}, value), "
        "which compares keyed hashes."
    )


class EmptyOnlyExact(Exact):
    """``field=""`` only: an encrypted column is empty or holds a token nobody can compare."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise _unsearchable(self.lhs.output_field, "exact")
        return super().get_prep_lookup()


class EncryptedAttribute(DeferredAttribute):
    """Keep the sibling hash current whenever the value is set (loaded rows included)."""

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value
        # Marks the hash as loaded too, so save() of a row read with .only() writes it.
        instance.__dict__[self.field.hash_attname] = personal_data.lookup_hash(value)


class EncryptedCharField(models.CharField):
    """A text stored as a Fernet token ("" stays ""); ``max_length`` limits the plain text.

    The column is unlimited text, since a token is longer than its text (18 characters become
    120). Every lookup but ``isnull`` and ``=""`` raises FieldError: a filter, a search or an
    admin filter on ciphertext would silently match nothing.
    """

    descriptor_class = EncryptedAttribute

    @property
    def hash_attname(self) -> str:
        return f"{self.attname}_hash"

    def get_internal_type(self):
        return "TextField"

    def from_db_value(self, value, expression, connection):
        return personal_data.decrypt(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        value = super().get_db_prep_value(value, connection, prepared)
        return personal_data.encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return IsNull
        if lookup_name == "exact":
            return EmptyOnlyExact
        raise _unsearchable(self, lookup_name)

    def get_transform(self, lookup_name):
        raise _unsearchable(self, lookup_name)

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        sibling = next((f for f in self.model._meta.local_fields if f.name == f"{self.name}_hash"), None)
        if not isinstance(sibling, LookupHashField) or sibling.source != self.name:
            errors.append(
                checks.Error(
                    f"{self.model.__name__}.{self.name} has no {self.name}_hash = LookupHashField({self.name!r}).",
                    hint="Every encrypted field needs its keyed hash beside it, for exact look-up and rotation.",
                    obj=self,
                    id="portal.E102",
                )
            )
        return errors


class LookupHashAttribute(DeferredAttribute):
    """Read the keyed hash of the source field's current value (the stored one if that is deferred)."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        source = instance.__dict__.get(self.field.source, models.DEFERRED)
        if source is not models.DEFERRED:
            instance.__dict__[self.field.attname] = personal_data.lookup_hash(source)
        return super().__get__(instance, cls)

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


class LookupHashField(models.CharField):
    """The keyed hash (HMAC-SHA256, hex) of an encrypted field, indexed for exact look-up."""

    descriptor_class = LookupHashAttribute

    def __init__(self, source: str = "", *args, **kwargs):
        self.source = source
        kwargs.setdefault("verbose_name", _("keyed hash for look-up"))
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    _OWN_DEFAULTS = {"max_length": 64, "blank": True, "editable": False, "db_index": True}
    _DJANGO_DEFAULTS = {"blank": False, "editable": True, "db_index": False}

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, own in self._OWN_DEFAULTS.items():
            value = kwargs.pop(key, self._DJANGO_DEFAULTS.get(key))
            if value != own:
                kwargs[key] = value
        return name, path, args, kwargs
