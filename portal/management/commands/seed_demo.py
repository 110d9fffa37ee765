"""Load demo data: departments, districts, one account per role, then the apps' demo data (idempotent).

The apps' loaders add the catalogue, the certificate types and a city at work: a few hundred
applications in every state and certificates at every step of the printing centre.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from portal import demo, roles
from portal.clock import sweep
from portal.models import Department, District, Notification, User
from portal.services import calendar_load_official
from portal.two_factor.services import demo_second_factor_clear, demo_second_factor_set

DEMO_PASSWORD = "OneWindow-2026"
# With DEBUG on only, every demo staff account gets this authenticator secret (one app entry
# shows the code for all of them) and one recovery code: DEMO_RECOVERY_CODE_PREFIX + username.
DEMO_TOTP_SECRET = "ONEW INDO WDEM O234 ONEW INDO WDEM O234"
DEMO_RECOVERY_CODE_PREFIX = "demo-"


def demo_recovery_code(username: str) -> str:
    """Return the one known recovery code of a demo staff account (DEBUG only)."""
    return f"{DEMO_RECOVERY_CODE_PREFIX}{username}"[:16]


# (code, name, short name, phone)
DEPARTMENTS = [
    ("fgw", "市发展和改革委员会", "发改委", "87050001"),
    ("jyj", "市教育局", "教育局", "87050002"),
    ("gaj", "市公安局", "公安局", "87050003"),
    ("mzj", "市民政局", "民政局", "87050004"),
    ("sfj", "市司法局", "司法局", "87050005"),
    ("czj", "市财政局", "财政局", "87050006"),
    ("rsj", "市人力资源和社会保障局", "人社局", "87050007"),
    ("zrzyj", "市自然资源和规划局", "资规局", "87050008"),
    ("sthjj", "市生态环境局", "生态环境局", "87050009"),
    ("zjj", "市住房和城乡建设局", "住建局", "87050010"),
    ("jtj", "市交通运输局", "交通局", "87050011"),
    ("slj", "市水利局", "水利局", "87050012"),
    ("nyncj", "市农业农村局", "农业农村局", "87050013"),
    ("swj", "市商务局", "商务局", "87050014"),
    ("wgly", "市文化广电旅游局", "文广旅局", "87050015"),
    ("wjw", "市卫生健康委员会", "卫健委", "87050016"),
    ("yjj", "市应急管理局", "应急管理局", "87050017"),
    ("scjg", "市市场监督管理局", "市场监管局", "87050018"),
    ("cgj", "市城市管理局", "城管局", "87050019"),
    ("lyj", "市林业局", "林业局", "87050020"),
    ("rfb", "市人民防空办公室", "人防办", "87050021"),
    ("xfzd", "市消防救援支队", "消防支队", "87050022"),
]

# (division code, name)
DISTRICTS = [
    ("990102", "东城区"),
    ("990103", "西湖区"),
    ("990104", "南江区"),
    ("990105", "北山区"),
    ("990171", "高新技术产业开发区"),
    ("990172", "经济技术开发区"),
]

# username, role (None = public account), department code, fields. Every staff account has a staff
# number (工号): the public sees it instead of the name, e.g. on an answered question.
ACCOUNTS = [
    (
        "zhangsan",
        None,
        None,
        {
            "kind": User.Kind.CITIZEN,
            "real_name": "张三",
            "id_number": "110101199003071233",
            "mobile": "13800138000",
            "email": "zhangsan@example.com",
        },
    ),
    (
        "huaxia",
        None,
        None,
        {
            "kind": User.Kind.ENTERPRISE,
            "organization_name": "华夏建设工程有限公司",
            "credit_code": "91320100MA1ABCDE5U",
            "real_name": "李经理",
            "mobile": "13900139000",
            "email": "office@huaxia-build.example.com",
        },
    ),
    ("clerk", roles.CLERK, None, {"real_name": "王窗口", "staff_number": "CK0101"}),
    ("reviewer_zjj", roles.REVIEWER, "zjj", {"real_name": "陈建国", "staff_number": "ZJ0102"}),
    ("reviewer_scjg", roles.REVIEWER, "scjg", {"real_name": "赵倩", "staff_number": "SC0203"}),
    ("consultant_zjj", roles.CONSULTANT, "zjj", {"real_name": "刘建华", "staff_number": "ZJ0107"}),
    ("consultant_scjg", roles.CONSULTANT, "scjg", {"real_name": "何敏", "staff_number": "SC0215"}),
    ("printer", roles.PRINT_OPERATOR, None, {"real_name": "孙印", "staff_number": "ZZ0301"}),
    ("supervisor", roles.SUPERVISOR, None, {"real_name": "周监察", "staff_number": "JC0401"}),
    ("admin", roles.ADMINISTRATOR, None, {"real_name": "吴系统", "staff_number": "XT0501"}),
    ("security", roles.SECURITY_ADMINISTRATOR, None, {"real_name": "郑安全", "staff_number": "XT0502"}),
    ("auditor", roles.AUDITOR, None, {"real_name": "冯审计", "staff_number": "SJ0601"}),
]


class Command(BaseCommand):
    help = "Load the demo departments, districts and one account per role. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    def handle(self, *args, force=False, verbosity=1, **options):
        verbose = verbosity > 0
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like production. seed_demo creates accounts with known "
                "passwords; run it with --force if you really mean it."
            )
        started = timezone.now()
        with transaction.atomic():
            calendar_load_official()
            departments = self._departments()
            self._districts()
            accounts = self._accounts(departments)
            for loader in demo.loaders():
                loader(stdout=self.stdout if verbose else None)
            # The demo applications' deadlines are set: levels and alerts as the beat's sweep would set them.
            sweep.run()
            # Demo notices are for reading in the site: none is e-mailed (the console would be full of them).
            Notification.objects.filter(created_at__gte=started, email_sent_at__isnull=True).update(
                email_sent_at=timezone.now()
            )
        if verbose:
            self._print_accounts(accounts)

    def _departments(self):
        departments = {}
        for order, (code, name, short_name, phone) in enumerate(DEPARTMENTS, start=1):
            departments[code], _ = Department.objects.update_or_create(
                code=code,
                defaults={"name": name, "short_name": short_name, "phone": phone, "sort_order": order},
            )
        return departments

    def _districts(self):
        for order, (code, name) in enumerate(DISTRICTS, start=1):
            District.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})

    def _accounts(self, departments):
        accounts = []
        for username, role, department_code, fields in ACCOUNTS:
            defaults = dict(fields)
            if role:
                defaults.update(kind=User.Kind.STAFF, is_staff=True, department=departments.get(department_code))
            user, _ = User.objects.update_or_create(username=username, defaults=defaults)
            user.set_password(DEMO_PASSWORD)
            user.full_clean()
            user.save()
            if role:
                user.groups.set([Group.objects.get(name=role)])
                if settings.DEBUG:
                    demo_second_factor_set(
                        user=user, totp_secret_base32=DEMO_TOTP_SECRET, recovery_code=demo_recovery_code(username)
                    )
                else:
                    # A known secret never survives into a DEBUG-off database: these accounts enrol their own.
                    demo_second_factor_clear(
                        user=user, totp_secret_base32=DEMO_TOTP_SECRET, recovery_code=demo_recovery_code(username)
                    )
            accounts.append((user, role))
        return accounts

    def _print_accounts(self, accounts):
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded. Accounts (password for all: {DEMO_PASSWORD}):"))
        for user, role in accounts:
            what = role or user.get_kind_display()
            where = f" / {user.department.name}" if user.department else ""
            number = f", staff number {user.staff_number}" if user.staff_number else ""
            self.stdout.write(f"  {user.username:<15} {what}{where} ({user.display_name}{number})")
        if settings.DEBUG:
            self.stdout.write(
                "Staff accounts then ask for a second factor. Add the demo key to an authenticator app\n"
                f"(time-based, account of your choice): {DEMO_TOTP_SECRET}\n"
                "and type the 6 digits it shows, or once per account its recovery code:"
            )
            for user, role in accounts:
                if role:
                    self.stdout.write(f"  {user.username:<15} {demo_recovery_code(user.username)}")
        else:
            self.stdout.write(
                "Staff accounts enrol an authenticator app at their first login (a QR code to scan) and keep "
                "the recovery codes shown then."
            )
