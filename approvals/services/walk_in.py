"""Walk-in applications: a window clerk files for a visitor at the hall (channel: window)."""

from __future__ import annotations

import base64
import logging
import secrets

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.errors import ActionRefused
from portal.models import User

from ..models import (
    Application,
    ServiceItem,
)
from .drafting import _draft

logger = logging.getLogger(__name__)

HALL_USERNAME_PREFIX = "hall-"


def hall_username() -> str:
    """Return a free username for an account opened at the hall: random, naming nobody (hall-k3f9q2m7xa).

    The ID number once made the name (citizen-<number>), and a username is shown and logged
    where the number is masked.
    """
    while True:
        name = HALL_USERNAME_PREFIX + base64.b32encode(secrets.token_bytes(10)).decode().lower()[:10]
        if not User.objects.filter(username=name).exists():
            return name


def walk_in_applicant(*, kind: str, id_number: str, name: str, mobile: str) -> User:
    """Return the account of a visitor at the hall, creating one without a password if needed.

    The visitor can later register online with the same identity and finds the
    application in their personal centre (see portal.forms registration).
    """
    if kind == User.Kind.ENTERPRISE:
        user = User.objects.filter(credit_code=id_number).first()
        fields = {"organization_name": name, "credit_code": id_number}
    else:
        user = User.objects.filter(id_number=id_number).first()
        fields = {"real_name": name, "id_number": id_number}
    if user is not None:
        if user.kind != kind:
            raise ActionRefused(_("This number belongs to an account of another kind."))
        return user
    user = User(username=hall_username(), kind=kind, mobile=mobile, **fields)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Another clerk registered the same visitor a moment ago.
        lookup = {"credit_code": id_number} if kind == User.Kind.ENTERPRISE else {"id_number": id_number}
        return User.objects.get(**lookup)
    return user


def application_start_walk_in(
    *, clerk: User, item: ServiceItem, kind: str, id_number: str, name: str, contact_name: str, mobile: str
) -> Application:
    """Open a walk-in application (channel: hall window) that the clerk fills in and submits."""
    if not clerk.has_perm("approvals.intake_application"):
        raise ActionRefused(_("Only window clerks file walk-in applications."))
    with transaction.atomic():
        applicant = walk_in_applicant(kind=kind, id_number=id_number, name=name, mobile=mobile)
        application = _draft(
            item,
            applicant,
            applicant_kind=kind,
            applicant_name=name,
            applicant_id_number=id_number,
            contact_name=contact_name or (name if kind == User.Kind.CITIZEN else ""),
            contact_phone=mobile,
            channel=Application.Channel.WINDOW,
            delivery_method=Application.Delivery.PICKUP,
            created_by=clerk,
        )
        application.save()
    return application
