"""Admin for users, departments, districts and the working-day calendar."""

import time

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from . import audit, roles, services
from .admin_id_search import IdSearchMixin
from .admin_reveal import RevealMixin
from .masking import mask_email, mask_id_number, mask_mobile
from .models import AuditEvent, CalendarDay, Department, District, User
from .two_factor.actions import second_factor_reset

IDENTITY_FIELDS = [
    "username",
    "kind",
    "real_name",
    "id_number",
    "organization_name",
    "credit_code",
    "mobile",
    "email",
    "staff_number",
]
# Granted by the security administrator only, never by the holder to themselves.
ROLE_FIELDS = ["groups", "department", "is_staff"]
# Never editable from the admin: superusers are made with createsuperuser on the server, and
# permissions come with roles (groups), never one by one.
NEVER_EDITABLE = ["is_superuser", "user_permissions", "must_change_password", "last_login", "date_joined"]
SENSITIVE_FIELDS = [*ROLE_FIELDS, "is_superuser", "user_permissions", "is_active"]
# Accounts whose identity (and so their e-mail, where reset links go) only a superuser edits.
ADMINISTRATOR_ROLES = {roles.ADMINISTRATOR, roles.SECURITY_ADMINISTRATOR, roles.AUDITOR}
# A logged "show" on an identity field unlocks its input for the one who edits identities.
IDENTITY_UNLOCKED_SESSION_KEY = "admin_identity_unlocked"
IDENTITY_UNLOCK_SECONDS = 600


@admin.register(User)
class UserAdmin(IdSearchMixin, RevealMixin, DjangoUserAdmin):
    """Accounts, with the administrators' duties separated (三员分立).

    The system administrator (``change_user``) creates accounts and edits their identity;
    the security administrator (``grant_roles``) grants roles, departments and staff status;
    neither edits their own roles, nobody makes a superuser here, nobody deletes an account
    (deactivate it: deleting would delete its admin log). Read-only fields are left out of the
    form, so a value posted for them is ignored; a post of one is audited as a refusal.
    """

    list_display = [
        "username",
        "display_name",
        "kind",
        "masked_identity",
        "masked_mobile",
        "department",
        "is_staff",
        "is_active",
    ]
    list_filter = ["kind", "department", "groups", "is_staff", "is_active"]
    list_select_related = ["department"]
    # No ID number, mobile or e-mail: a search is a GET, in every access log; the list's
    # "find by" form POSTs them instead (portal.admin_id_search).
    search_fields = ["username", "real_name", "organization_name", "credit_code"]
    id_search_fields = ("id_number", "mobile", "email")
    id_search_label = _("ID number, mobile or e-mail")
    # Masked where read-only (supervisors), shown on request with a logged reason (portal.admin_reveal).
    reveal_fields = {"id_number": mask_id_number, "mobile": mask_mobile, "email": mask_email}
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (
            _("Identity"),
            {"fields": ["kind", "real_name", "id_number", "organization_name", "credit_code", "mobile", "email"]},
        ),
        (
            _("Staff"),
            {
                "fields": [
                    "staff_number",
                    "department",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "must_change_password",
                ]
            },
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    # New accounts get no role: the security administrator grants it on the change page.
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "usable_password", "password1", "password2"]}),
        (
            _("Identity"),
            {"fields": ["kind", "real_name", "id_number", "organization_name", "credit_code", "mobile", "email"]},
        ),
    ]
    filter_horizontal = ["groups"]
    actions = [second_factor_reset]

    @admin.display(description=_("ID number / credit code"))
    def masked_identity(self, obj):
        return obj.masked_id_number or obj.masked_credit_code

    @admin.display(description=_("mobile number"))
    def masked_mobile(self, obj):
        return obj.masked_mobile

    # --- who may do what --------------------------------------------------------------------

    @staticmethod
    def _is_administrator_account(user) -> bool:
        # Asked several times per page (fields, fieldsets, password link): the roles are read once.
        if not hasattr(user, "_is_administrator_account"):
            user._is_administrator_account = user.is_superuser or bool(roles.user_roles(user) & ADMINISTRATOR_ROLES)
        return user._is_administrator_account

    def may_edit_identity(self, request, obj) -> bool:
        """Return whether the user edits the account's identity and active flag (system administrator)."""
        actor = request.user
        if not actor.has_perm("portal.change_user"):
            return False
        if obj is None:
            return True
        if obj.pk == actor.pk:
            return False
        return actor.is_superuser or not self._is_administrator_account(obj)

    def may_grant_roles(self, request, obj) -> bool:
        """Return whether the user grants this staff account roles, a department and staff status."""
        actor = request.user
        if obj is None or obj.pk == actor.pk or obj.kind != User.Kind.STAFF:
            return False
        # The three administrators' accounts are a superuser's to manage: otherwise one security
        # administrator could reset another administrator's password and second factor, log in
        # as them and hold both duties.
        if self._is_administrator_account(obj) and not actor.is_superuser:
            return False
        return actor.has_perm("portal.grant_roles")

    def may_set_password(self, request, obj) -> bool:
        """Return whether the user sets another account's password from the admin."""
        actor = request.user
        if obj is None or obj.pk == actor.pk:
            return False
        if self._is_administrator_account(obj) and not actor.is_superuser:
            return False
        if not obj.has_usable_password():
            # An account opened at the hall is taken over by its owner with a code sent to the
            # mobile on file, never by a password someone else chose.
            return False
        if obj.kind == User.Kind.STAFF:
            return actor.has_perm("portal.set_staff_password")
        return actor.has_perm("portal.set_public_password")

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        if super().has_change_permission(request, obj):
            return True
        # The security administrator changes only what it grants: other staff accounts' roles.
        return request.user.has_perm("portal.grant_roles") and (obj is None or self.may_grant_roles(request, obj))

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.pk == request.user.pk or self.may_set_password(request, obj):
            return fieldsets
        # The password's summary offers a "reset" button: shown only to who may use it.
        return [
            (name, {**options, "fields": [field for field in options["fields"] if field != "password"]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return readonly
        readonly += NEVER_EDITABLE
        if not self.may_edit_identity(request, obj):
            readonly += [*IDENTITY_FIELDS, "is_active"]
        else:
            # Shown masked until "show" is pressed with a reason, which also unlocks the input.
            readonly += [field for field in self.reveal_fields if not self._identity_unlocked(request, obj, field)]
        if not self.may_grant_roles(request, obj):
            readonly += ROLE_FIELDS
        return readonly

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            # The three administrator roles are granted by a superuser only.
            kwargs["queryset"] = Group.objects.exclude(name__in=ADMINISTRATOR_ROLES)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # --- identity shown in full for editing ----------------------------------------------------

    @staticmethod
    def _unlock_key(obj, field: str) -> str:
        return f"{obj.pk}:{field}"

    def _identity_unlocked(self, request, obj, field: str) -> bool:
        since = request.session.get(IDENTITY_UNLOCKED_SESSION_KEY, {}).get(self._unlock_key(obj, field), 0)
        return time.time() - since < IDENTITY_UNLOCK_SECONDS

    def revealed(self, request, obj, field):
        """After a logged "show", let whoever edits identities change that field for ten minutes."""
        if not self.may_edit_identity(request, obj):
            return None
        unlocked = request.session.get(IDENTITY_UNLOCKED_SESSION_KEY, {})
        now = time.time()
        unlocked = {key: since for key, since in unlocked.items() if now - since < IDENTITY_UNLOCK_SECONDS}
        unlocked[self._unlock_key(obj, field)] = now
        request.session[IDENTITY_UNLOCKED_SESSION_KEY] = unlocked
        return gettext("For the next %(minutes)d minutes this field can be corrected on the record's page.") % {
            "minutes": IDENTITY_UNLOCK_SECONDS // 60
        }

    # --- saving -----------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if change:
            form.roles_before = _role_state(User.objects.get(pk=obj.pk))
            refused = sorted(name for name in SENSITIVE_FIELDS if name in request.POST and name not in form.fields)
            if refused:
                with translation.override(settings.LANGUAGE_CODE):
                    detail = str(_("Refused fields posted: %(fields)s") % {"fields": ", ".join(refused)})
                audit.record(
                    AuditEvent.Action.ROLE_GRANTED,
                    request=request,
                    outcome=AuditEvent.Outcome.DENIED,
                    target=obj,
                    detail=detail,
                )
                self.message_user(
                    request,
                    _("You may not change these fields of this account; they were left as they were: %(fields)s")
                    % {"fields": ", ".join(str(User._meta.get_field(name).verbose_name) for name in refused)},
                    messages.WARNING,
                )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(form, "roles_before", None)
        if before is None:
            return
        after = _role_state(form.instance)
        changed = [key for key in before if before[key] != after[key]]
        if not changed:
            return
        # The audit trail is read in the portal's language, whatever the actor's browser chose.
        with translation.override(settings.LANGUAGE_CODE):
            detail = "；".join(
                str(_ROLE_CHANGE_LABELS[key]) % {"before": before[key], "after": after[key]} for key in changed
            )
        audit.record(AuditEvent.Action.ROLE_GRANTED, request=request, target=form.instance, detail=detail)

    @method_decorator(sensitive_post_parameters())
    def user_change_password(self, request, id, form_url=""):
        """Set another account's password: the owner is told and must choose a new one at next login."""
        user = self.get_object(request, unquote(id))
        if user is not None:
            if user.pk == request.user.pk:
                # One's own password is changed with the old one, on the password change page.
                return redirect("password_change")
            if not self.may_set_password(request, user):
                raise PermissionDenied
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if user is not None and User.objects.filter(pk=user.pk).exclude(password=user.password).exists():
                services.password_change_record(
                    user=User.objects.get(pk=user.pk),
                    how=services.PasswordChange.ADMINISTRATOR,
                    request=request,
                    actor=request.user,
                )
        return response


_ROLE_CHANGE_LABELS = {
    "roles": _("roles: %(before)s → %(after)s"),
    "department": _("department: %(before)s → %(after)s"),
    "is_staff": _("staff status: %(before)s → %(after)s"),
}


def _role_state(user) -> dict[str, str]:
    """Return the account's roles, department and staff status as text, for the audit trail."""
    return {
        "roles": "、".join(sorted(user.groups.values_list("name", flat=True))) or "—",
        "department": str(user.department) if user.department_id else "—",
        "is_staff": "✓" if user.is_staff else "✗",
    }


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(admin.ModelAdmin):
    """The roles, read-only: their permissions are set by migrations, so no one widens a role here."""

    list_display = ["name", "member_count"]
    fields = ["name", "permissions"]
    readonly_fields = fields
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(members=Count("user"))

    @admin.display(description=_("members"), ordering="members")
    def member_count(self, obj):
        return obj.members

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "short_name", "phone", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    search_fields = ["name", "code", "short_name"]
    list_filter = ["is_active"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name", "code"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "is_workday", "note"]
    list_filter = ["is_workday"]
    list_editable = ["is_workday", "note"]
    date_hierarchy = "date"
    search_fields = ["note"]
    list_per_page = 62

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return date_format(obj.date, "D")


class ReadOnlyAdmin:
    """Mix into a ModelAdmin whose records change only through services: nobody adds, edits or deletes."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The audit trail's admin (and django-axes' login logs, read-only) live beside the audit table.
from .audit import admin as audit_admin  # noqa: E402, F401
