"""django-fsm-log storage that also records the role the actor acted in.

Configured as DJANGO_FSM_LOG_STORAGE_METHOD. It writes the same StateLog row as
django-fsm-log's SimpleBackend (at post_transition, so a transition that raises leaves
no log) and a TransitionRole row beside it: roles can change later, the record must not.
"""

import contextlib

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django_fsm_log.backends import BaseBackend
from django_fsm_log.conf import settings as fsm_log_settings
from django_fsm_log.helpers import FSMLogDescriptor
from django_fsm_log.models import StateLog

from portal.roles import ADMINISTRATOR, ALL_ROLES

from .models import TransitionRole


def actor_role(instance, by) -> str:
    """Return the role label of the actor of a transition on this instance."""

    with translation.override(settings.LANGUAGE_CODE):
        if by is None:
            return gettext("System")
        if getattr(instance, "applicant_id", None) == by.pk:
            return gettext("Applicant")
    # Read once per actor object: a batch (a print run, say) logs many transitions by the same actor.
    if not hasattr(by, "_transition_roles"):
        by._transition_roles = sorted(name for name in by.groups.values_list("name", flat=True) if name in ALL_ROLES)
    return "、".join(by._transition_roles) or (ADMINISTRATOR if by.is_superuser else "")


class RoleRecordingBackend(BaseBackend):
    @staticmethod
    def setup_model(model):
        """Nothing to add to StateLog."""

    @staticmethod
    def pre_transition_callback(*args, **kwargs):
        """Log after the transition, not before."""

    @staticmethod
    def post_transition_callback(sender, instance, name, source, target, **kwargs):
        ignored = fsm_log_settings.DJANGO_FSM_LOG_IGNORED_MODELS
        if BaseBackend._get_model_qualified_name__(sender) in ignored or target is None:
            return
        values = {"source_state": source, "state": target, "transition": name, "content_object": instance}
        for attribute in ("by", "description"):
            with contextlib.suppress(AttributeError):  # not set for this transition
                values[attribute] = FSMLogDescriptor(instance, attribute).get()
        log = StateLog.objects.create(**values)
        TransitionRole.objects.create(log=log, role=actor_role(instance, values.get("by")))
