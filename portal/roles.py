"""Staff roles: Django groups with explicit permissions (created by migration portal 0002).

Later apps add their own permissions to these groups in their own data migrations.
"""

from django.utils.translation import gettext_lazy as _

CLERK = "窗口人员"
REVIEWER = "审批人员"
PRINT_OPERATOR = "制证中心"
SUPERVISOR = "效能监察"
# Department staff who take up, answer and forward the questions of their department's queue.
CONSULTANT = "咨询人员"
ADMINISTRATOR = "系统管理员"
# Separated duties (三员分立), each role holding what the others may not:
# - the system administrator creates accounts, edits their identity and deactivates them, and
#   runs the catalogue, departments and calendar; it grants no role and reads no case;
# - the security administrator grants roles, departments and staff status to other staff
#   accounts and resets staff passwords; it edits no identity and reads no case;
# - the audit administrator reads the accounts and every audit record, and changes nothing.
# No one grants themselves anything, and no one is made superuser from the admin (portal/admin.py).
SECURITY_ADMINISTRATOR = "安全管理员"
AUDITOR = "审计管理员"

ROLE_LABELS = {
    CLERK: _("Window clerk"),
    REVIEWER: _("Reviewer"),
    PRINT_OPERATOR: _("Print operator"),
    SUPERVISOR: _("Supervisor"),
    CONSULTANT: _("Consultation staff"),
    ADMINISTRATOR: _("Administrator"),
    SECURITY_ADMINISTRATOR: _("Security administrator"),
    AUDITOR: _("Audit administrator"),
}

ALL_ROLES = tuple(ROLE_LABELS)


def user_roles(user) -> set[str]:
    """Return the names of the staff roles a user holds."""
    if not user.is_authenticated:
        return set()
    return {name for name in user.groups.values_list("name", flat=True) if name in ROLE_LABELS}
