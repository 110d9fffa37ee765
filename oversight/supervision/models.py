"""The permission of electronic supervision (电子监察): a permission with no table of its own."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Supervision(models.Model):
    """Holds the ``oversight.supervise`` permission: the supervision dashboard, its cases, exports and reports."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("supervise", _("Can use electronic supervision (dashboard, cases, exports, reports)"))]
        verbose_name = _("electronic supervision")
        verbose_name_plural = _("electronic supervision")

    def __str__(self):
        return str(self._meta.verbose_name)
