"""The admin action on users that resets a lost second factor (security administrator only)."""

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .. import roles
from . import services

# The three administrators (三员): their accounts are managed by a superuser only.
ADMINISTRATOR_ROLES = [roles.ADMINISTRATOR, roles.SECURITY_ADMINISTRATOR, roles.AUDITOR]


def may_reset_second_factors(user) -> bool:
    """Return whether this account may reset others' second factor (security administrator or superuser)."""
    return user.is_superuser or roles.SECURITY_ADMINISTRATOR in roles.user_roles(user)


@admin.action(description=gettext_lazy("Reset the second factor (enrol again at next login)"))
def second_factor_reset(modeladmin, request, queryset):
    """Remove the selected accounts' authenticators and recovery codes; never one's own."""
    if not may_reset_second_factors(request.user):
        modeladmin.message_user(
            request, _("Only the security administrator may reset a second factor."), messages.ERROR
        )
        return
    if queryset.filter(pk=request.user.pk).exists():
        modeladmin.message_user(
            request,
            _("Nobody resets their own second factor: ask another security administrator."),
            messages.ERROR,
        )
        return
    if not request.user.is_superuser and (
        queryset.filter(is_superuser=True).exists() or queryset.filter(groups__name__in=ADMINISTRATOR_ROLES).exists()
    ):
        # Otherwise one security administrator could reset another administrator's password and
        # second factor and log in as them: the administrators' accounts are a superuser's to manage.
        modeladmin.message_user(
            request,
            _("The second factor of an administrator's account is reset by a superuser only; nothing was reset."),
            messages.ERROR,
        )
        return
    users = list(queryset)
    if request.POST.get("confirmed") != "yes":
        return TemplateResponse(
            request,
            "two_factor/reset_confirm.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": _("Reset the second factor?"),
                "users": users,
                "opts": modeladmin.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
    for user in users:
        services.second_factor_reset(request=request, user=user)
    modeladmin.message_user(
        request,
        ngettext(
            "The second factor of %(count)d account was reset; it enrols a new one at its next login.",
            "The second factor of %(count)d accounts was reset; each enrols a new one at its next login.",
            len(users),
        )
        % {"count": len(users)},
        messages.SUCCESS,
    )
