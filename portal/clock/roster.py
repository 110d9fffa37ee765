"""Who the clocks can tell: the active staff by role and department, read once per sweep.

A sweep that alerts a thousand objects asks each clock whom to tell a thousand times;
the roster answers from memory, so the staff are read in one query however many change.
"""

from __future__ import annotations

from functools import cached_property

from django.db.models import F

from portal import roles
from portal.models import User

# Supervisors watch every clock: one alert each would bury them, so they read every overdue case of
# every clock in one daily digest (oversight.supervision.digest) instead. The alert row is kept all
# the same, and everyone else a clock names is still told at once.
DIGEST_ROLES = (roles.SUPERVISOR,)

ANY = object()


class Roster:
    """The active staff holding a role, loaded on first use."""

    @cached_property
    def _by_role(self) -> dict[str, list[User]]:
        members: dict[int, User] = {}
        by_role: dict[str, list[User]] = {}
        rows = User.objects.filter(is_active=True, groups__name__in=roles.ALL_ROLES).annotate(role=F("groups__name"))
        for user in rows.order_by("pk"):
            # One row per role held: every list shares the same User object.
            by_role.setdefault(user.role, []).append(members.setdefault(user.pk, user))
        return by_role

    def with_role(self, *names: str, department_id=ANY) -> list[User]:
        """Return the active users holding any of these roles (in this department, if one is given), once each."""
        found: dict[int, User] = {}
        for name in names:
            for user in self._by_role.get(name, ()):
                if department_id is ANY or user.department_id == department_id:
                    found.setdefault(user.pk, user)
        return list(found.values())

    @cached_property
    def digest_readers(self) -> set[int]:
        """Return the ids of the users who read alerts in the daily digest rather than one by one."""
        return {user.pk for user in self.with_role(*DIGEST_ROLES)}
