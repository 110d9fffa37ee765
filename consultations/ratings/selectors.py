"""Reads of ratings: the published results, the staff's scoped lists and their queue counts."""

from __future__ import annotations

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from portal import roles
from portal.clock.levels import Level

from .models import BAD_LEVELS, Rating, Rectification


def sees_everything(user) -> bool:
    """Return whether the user reads every rating and rectification (supervisors, superusers)."""
    return user.is_superuser or roles.SUPERVISOR in roles.user_roles(user)


def _department_scope(user) -> Q | None:
    """Return the departments' filter of a member of staff, or None when they have no queue of ratings.

    The same rule as services._may_handle: reviewers and consultation staff their department's,
    window clerks the general window's (department empty).
    """
    names = roles.user_roles(user)
    scope = Q()
    if roles.CLERK in names:
        scope |= Q(department__isnull=True)
    if {roles.REVIEWER, roles.CONSULTANT} & names and user.department_id:
        scope |= Q(department_id=user.department_id)
    return scope or None


def ratings_for_staff(user) -> QuerySet[Rating]:
    """Return the ratings a member of staff may read: supervisors all, the departments their own."""
    ratings = Rating.objects.select_related("department", "item", "rater")
    if sees_everything(user):
        return ratings
    scope = _department_scope(user)
    return ratings.filter(scope) if scope is not None else ratings.none()


def rectifications_for_staff(user) -> QuerySet[Rectification]:
    """Return the rectifications a member of staff may read, open ones first, the nearer deadline first."""
    rectifications = Rectification.objects.select_related(
        "department",
        "rating__rater",
        "rating__item",
        "rating__application",
        "rating__question",
        "rating__appointment",
    ).annotate(
        is_closed=Case(When(closed_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()),
        # The deadline that matters now: the return visit's until it is recorded, then the rectification's.
        next_due_at=Case(When(visited_at__isnull=True, then=F("visit_due_at")), default=F("current_due_at")),
    )
    if not sees_everything(user):
        scope = _department_scope(user)
        rectifications = rectifications.filter(scope) if scope is not None else rectifications.none()
    return rectifications.order_by("is_closed", "next_due_at", "id")


def may_handle(user, rectification: Rectification) -> bool:
    """Return whether the user records the return visit and closes this rectification."""
    if not (user.is_active and user.has_perm("consultations.change_rectification")):
        return False
    if sees_everything(user):
        return True
    names = roles.user_roles(user)
    if rectification.department_id is None:
        return roles.CLERK in names
    return bool({roles.REVIEWER, roles.CONSULTANT} & names) and user.department_id == rectification.department_id


OVERDUE = Q(visited_at__isnull=True, visit_level=Level.OVERDUE) | Q(due_level=Level.OVERDUE)


class FollowUps(int):
    """The open bad reviews of a queue, shown as "N (M overdue)" on the admin's home page."""

    overdue: int = 0

    def __new__(cls, total: int, overdue: int):
        value = super().__new__(cls, total)
        value.overdue = overdue
        return value

    def __str__(self):
        if not self.overdue:
            return str(int(self))
        return _("%(total)d (%(overdue)d overdue)") % {"total": int(self), "overdue": self.overdue}


def follow_up_count(user) -> FollowUps:
    """Return the open rectifications of the user's queue and how many are overdue (one query)."""
    rectifications = Rectification.objects.filter(closed_at__isnull=True)
    if not sees_everything(user):
        scope = _department_scope(user)
        if scope is None:
            return FollowUps(0, 0)
        rectifications = rectifications.filter(scope)
    counts = rectifications.aggregate(total=Count("id"), overdue=Count("id", filter=OVERDUE))
    return FollowUps(counts["total"], counts["overdue"])


def appeals_pending_count(user) -> int:
    """Return how many appeals wait for a supervisor's decision."""
    return Rectification.objects.filter(appeal=Rectification.Appeal.PENDING).count()


# --- the published bad reviews -----------------------------------------------------------------


def recent_bad_reviews() -> QuerySet[Rating]:
    """Return the counted bad reviews, newest first, with their rectification (for the public page)."""
    return (
        Rating.objects.filter(level__in=BAD_LEVELS, excluded=False)
        .select_related("department", "item", "rater", "rectification")
        .order_by("-rated_at", "-id")
    )
