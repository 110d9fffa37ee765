"""django-fsm-log storage that also records the role the actor acted in.

Configured as DJANGO_FSM_LOG_STORAGE_METHOD. It writes the same StateLog row as
django-fsm-log's SimpleBackend (at post_transition, so a transition that raises leaves
no log) and a TransitionRole row beside it: roles can change later, the record must not.
"""

import contextlib

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from django.utils.translation import gettext
from django_fsm_log.backends import BaseBackend
from django_fsm_log.conf import settings as fsm_log_settings
from django_fsm_log.helpers import FSMLogDescriptor
from django_fsm_log.models import StateLog

from portal.roles import ADMINISTRATOR, ALL_ROLES

from . import batching
from .models import TransitionRole


def actor_role(instance, by) -> str:
    """Return the role label of the actor of a transition on this instance."""

    with translation.override(settings.LANGUAGE_CODE):
        if by is None:
            return gettext("System")
        if getattr(instance, "applicant_id", None) == by.pk:
            return gettext("Applicant")
    return _staff_role(by)


def _staff_role(by) -> str:
    # Read once per actor object: a batch (a print run, say) logs many transitions by the same actor.
    # A role changed during that batch shows from the next one, which loads the actor again.
    if not hasattr(by, "_transition_roles"):
        by._transition_roles = sorted(name for name in by.groups.values_list("name", flat=True) if name in ALL_ROLES)
    return "、".join(by._transition_roles) or (ADMINISTRATOR if by.is_superuser else "")


def logs_create(transitions: list[batching.Transition], *, roles: dict[int, str] | None = None) -> list[StateLog]:
    """Write the log rows and roles of transitions a batch applied in memory: two inserts, groups read once.

    The same rows as the backend below writes one transition at a time. `roles` caches the staff
    role of each actor by pk, to pass from one chunk of a batch to the next.
    """
    staff_roles = {} if roles is None else roles

    def role(transition: batching.Transition) -> str:
        by = transition.by
        if by is None or getattr(transition.instance, "applicant_id", None) == by.pk:
            return actor_role(transition.instance, by)
        if by.pk not in staff_roles:
            staff_roles[by.pk] = _staff_role(by)
        return staff_roles[by.pk]

    content_types = ContentType.objects.get_for_models(*{type(t.instance) for t in transitions})
    logs = StateLog.objects.bulk_create(
        [
            StateLog(
                content_type=content_types[type(t.instance)],
                object_id=t.instance.pk,
                source_state=t.source,
                state=t.target,
                transition=t.name,
                by=t.by,
                description=t.description,
            )
            for t in transitions
        ]
    )
    TransitionRole.objects.bulk_create(
        [TransitionRole(log=log, role=role(t)) for log, t in zip(logs, transitions, strict=True)]
    )
    return logs


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
        if batching.deferred():  # a batch writes the log of all its transitions at once (logs_create)
            batching.record(
                batching.Transition(instance, name, source, target, values.get("by"), values.get("description"))
            )
            return
        log = StateLog.objects.create(**values)
        TransitionRole.objects.create(log=log, role=actor_role(instance, values.get("by")))
