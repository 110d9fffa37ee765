"""A city at work: a few hundred demo applications in every state, for ``manage.py seed_demo``.

Demo data only. Every application is made by the services the site uses, as the demo
accounts and a few dozen extra demo citizens and enterprises would make it: start, fill in,
upload small generated PDFs, submit; then the window clerk accepts, asks for corrections
or rejects, and the departments' reviewers (``reviewer_zjj``, ``reviewer_scjg``) claim,
suspend, extend, approve or deny. The services stamp everything "now"; to give the queues
a past, ``_backdate`` then moves each application's stored times back by a fixed number of
working days and recomputes its deadlines with the core's clock arithmetic, through
``QuerySet.update``. Product code never does that.

The choices come from a random generator with a fixed seed and every date is relative to
today, so each new database gets the same city, aged to the day it was seeded. Once the
demo applicants have applications the loader adds nothing.
"""

from __future__ import annotations

import hashlib
import io
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Replace
from django.utils import timezone
from django_fsm_log.models import StateLog
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from stdnum.cn import ric, uscc

from portal.clock import calendar, deadlines
from portal.clock.levels import Level
from portal.models import Notification, User

from . import services
from .models import Application, ClockPause, CorrectionNotice, MaterialFile, ServiceItem, State
from .services import drafting

SEED = 2026
PREFIX = "demo_"
CITIZENS = 30
ENTERPRISES = 12
REVIEWERS = {"zjj": "reviewer_zjj", "scjg": "reviewer_scjg"}

# How many applications end in each state; the review states only in the two departments
# that have a demo reviewer. "late_intake" waits for intake past its 5 working days: the
# clock sweep seed_demo runs next accepts them by law (Art. 32), as beat would.
PLAN = [
    ("draft", 20),
    ("submitted", 30),
    ("late_intake", 6),
    ("needs_correction", 15),
    ("rejected", 8),
    ("withdrawn", 8),
    ("accepted", 35),
    ("in_review", 25),
    ("suspended", 6),
    ("extended", 6),
    ("approved", 50),
    ("denied", 8),
]
REVIEW_STAGE = {"in_review", "suspended", "extended", "approved", "denied"}
# Of the accepted cases, this many belong to the two departments with a demo reviewer.
ACCEPTED_TO_CLAIM = 20

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英文辉建华玉兰红梅鑫宇浩然子涵欣怡梓萱一诺晨阳思远雨桐嘉怡"
COMPANY_WORDS = ["恒信", "华盛", "东方", "新城", "瑞丰", "宏达", "金桥", "远航", "博雅", "锦程", "安泰", "中和", "天成"]
COMPANY_KINDS = [
    "建筑工程有限公司",
    "餐饮管理有限公司",
    "科技有限公司",
    "商贸有限公司",
    "物业服务有限公司",
    "食品有限公司",
]
ROADS = ["解放路", "人民路", "中山路", "建设路", "文化路", "滨江大道", "学院路", "新华路"]
DISTRICTS = ["110101", "110102", "110105", "110106", "110108"]


@dataclass
class Story:
    """What happens to one demo application and when (in working days before today)."""

    ending: str
    application: Application
    received: int = 0  # working days ago the application arrived
    accepted: int | None = None
    decided: int | None = None


def _working_days_ago(today: date, n: int) -> date:
    day = today
    while n > 0:
        day -= timedelta(days=1)
        if calendar.is_workday(day):
            n -= 1
    return day


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _pdf(title: str) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setFont("Helvetica", 14)
    pdf.drawString(72, 760, "OneWindow demo material")
    pdf.drawString(72, 740, title)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (220, 220, 220)).save(buffer, format="PNG")
    return buffer.getvalue()


def _id_number(rng: random.Random, n: int) -> str:
    birth = date(1960, 1, 1) + timedelta(days=rng.randrange(40 * 365))
    body = f"{rng.choice(DISTRICTS)}{birth:%Y%m%d}{n:03d}"
    return body + ric.calc_check_digit(body + "0")


def _credit_code(n: int) -> str:
    body = f"91320100MA2DEM0{n:02d}"
    return body + uscc.calc_check_digit(body + "0")


def _applicants(rng: random.Random) -> list[User]:
    """Create the extra demo citizens and enterprises (no password: they never log in)."""
    people = []
    for n in range(1, CITIZENS + 1):
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
        user = User(
            username=f"{PREFIX}citizen{n:02d}",
            kind=User.Kind.CITIZEN,
            real_name=name,
            id_number=_id_number(rng, n),
            mobile=f"139{rng.randrange(10**8):08d}",
        )
        people.append(user)
    for n in range(1, ENTERPRISES + 1):
        user = User(
            username=f"{PREFIX}enterprise{n:02d}",
            kind=User.Kind.ENTERPRISE,
            organization_name=f"{rng.choice(COMPANY_WORDS)}{rng.choice(COMPANY_WORDS)}{rng.choice(COMPANY_KINDS)}",
            credit_code=_credit_code(n),
            real_name=rng.choice(SURNAMES) + "经理",
            mobile=f"137{rng.randrange(10**8):08d}",
        )
        people.append(user)
    for user in people:
        user.set_unusable_password()
        user.full_clean()
    User.objects.bulk_create(people)
    return list(User.objects.filter(username__startswith=PREFIX).order_by("username"))


def _value(field: dict, rng: random.Random, today: date) -> str:
    kind = field["type"]
    if kind == "choice":
        return rng.choice(field["choices"])
    if kind == "number":
        return str(rng.randint(1, 500))
    if kind == "date":
        return (today + timedelta(days=rng.randint(10, 90))).isoformat()
    return f"{field['label']}（示例）"


class _Maker:
    """Drive the services for each story."""

    def __init__(self, rng: random.Random, today: date):
        self.rng = rng
        self.today = today
        self.files: dict[str, bytes] = {}
        self.clerk = User.objects.get(username="clerk")
        self.reviewers = {code: User.objects.get(username=name) for code, name in REVIEWERS.items()}

    def _upload(self, material) -> SimpleUploadedFile:
        if "pdf" in material.format_list:
            if material.name not in self.files:  # one PDF per material name (setdefault would draw one each time)
                self.files[material.name] = _pdf(f"Material #{material.pk}")
            content = self.files[material.name]
            return SimpleUploadedFile(f"{material.name}.pdf", content, content_type="application/pdf")
        content = self.files.setdefault("png", _png())
        return SimpleUploadedFile(f"{material.name}.png", content, content_type="image/png")

    def draft(self, item: ServiceItem, applicant: User, *, complete: bool = True) -> Application:
        rng = self.rng
        # Every story starts as a draft before any is told: more open drafts than the public limit.
        application = services.application_start(item=item, applicant=applicant, limit_drafts=False)
        contact = applicant.real_name
        services.application_update(
            application=application,
            actor=applicant,
            data=services.DraftData(
                form_data={f["key"]: _value(f, rng, self.today) for f in item.extra_fields},
                contact_name=contact,
                contact_phone=applicant.mobile,
                delivery_method=application.delivery_method,
                delivery_name=contact,
                delivery_phone=applicant.mobile,
                delivery_address=f"本市{rng.choice(ROADS)}{rng.randint(1, 300)}号",
            ),
        )
        materials = [m for m in item.materials.all() if m.required]
        if not complete:
            materials = materials[: rng.randint(0, max(len(materials) - 1, 0))]
        if not materials:
            return application
        # The first file goes through the upload service (checked by its content like any upload).
        # The others are copies of a file of the same kind, stored as their own files: checking
        # hundreds of identical PDFs again would only slow the seeding down.
        services.application_add_file(
            application=application, material=materials[0], uploaded=self._upload(materials[0]), actor=applicant
        )
        copies = []
        for material in materials[1:]:
            upload = self._upload(material)
            copy = MaterialFile(
                application=application,
                material=material,
                original_name=upload.name,
                content_type=upload.content_type,
                size=upload.size,
                sha256=hashlib.sha256(upload.read()).hexdigest(),
                uploaded_by=applicant,
            )
            upload.seek(0)
            copy.file.save("upload", upload, save=False)
            copies.append(copy)
        MaterialFile.objects.bulk_create(copies)
        return application

    def tell(self, story: Story) -> None:
        """Take one application from a draft to its ending."""
        application, ending = story.application, story.ending
        applicant = application.applicant
        if ending == "draft":
            return
        pk = application.pk
        if ending == "withdrawn" and self.rng.random() < 0.3:
            services.application_withdraw(application_id=pk, actor=applicant, reason="不再需要办理")
            return
        services.application_submit(application_id=pk, actor=applicant)
        if ending in ("submitted", "late_intake"):
            return
        if ending == "withdrawn":
            services.application_withdraw(application_id=pk, actor=applicant, reason="申请人主动撤回")
            return
        if ending == "needs_correction":
            material = application.item.materials.order_by("sort_order").first()
            services.application_request_correction(
                application_id=pk, actor=self.clerk, items=[(material, "", "扫描件不清晰，请重新上传盖章的清晰版本。")]
            )
            return
        if ending == "rejected":
            services.application_reject(
                application_id=pk, actor=self.clerk, reason="申请事项不属于本部门职权范围，请向区级部门申请。"
            )
            return
        services.application_accept(application_id=pk, actor=self.clerk)
        if ending == "accepted":
            return
        reviewer = self.reviewers[application.item.department.code]
        services.application_claim(application_id=pk, actor=reviewer)
        if ending == "suspended":
            services.application_suspend(
                application_id=pk,
                actor=reviewer,
                kind=self.rng.choice([ClockPause.Kind.INSPECTION, ClockPause.Kind.EXPERT_REVIEW]),
                reason="需组织现场核查",
                expected_days=5,
            )
        elif ending == "extended":
            services.application_extend(
                application_id=pk, actor=reviewer, reason="项目情况复杂，需进一步审查。", approved_by="分管副局长"
            )
        elif ending == "approved":
            services.application_approve(application_id=pk, actor=reviewer)
        elif ending == "denied":
            services.application_deny(
                application_id=pk, actor=reviewer, reason="经审查，申请材料不符合法定条件，不予许可。"
            )


def _times(story: Story, today: date) -> tuple[dict, dict[str, datetime]]:
    """Return the application's fields moved into the past, and when each transition happened."""
    application = story.application
    received = _working_days_ago(today, story.received)
    submitted_at = _at(received, 9, 30)
    fields: dict = {"created_at": submitted_at - timedelta(hours=1), "due_level": Level.NORMAL}
    when = {"withdraw": submitted_at + timedelta(hours=2)}
    if application.submitted_at is None:  # a draft, or withdrawn as a draft
        if application.withdrawn_at is not None:
            fields["withdrawn_at"] = when["withdraw"]
        return fields, when
    intake_due = deadlines.end_of_day(deadlines.intake_deadline(received))
    fields.update(submitted_at=submitted_at, intake_due_at=intake_due, current_due_at=None)
    when.update(submit=submitted_at, request_correction=submitted_at + timedelta(hours=3))
    when.update(reject=submitted_at + timedelta(hours=3))
    if application.state == State.SUBMITTED:
        fields["current_due_at"] = intake_due
    if application.withdrawn_at is not None:
        fields["withdrawn_at"] = when["withdraw"]
    if application.decided_at is not None and application.accepted_at is None:  # rejected at intake
        fields["decided_at"] = when["reject"]
    if application.accepted_at is not None:
        accepted = _working_days_ago(today, story.accepted)
        accepted_at = _at(accepted, 10, 30)
        item = application.item
        promised, statutory = deadlines.decision_deadlines(
            accepted, promised_days=item.promised_days, statutory_days=item.statutory_days
        )
        when.update(accept=accepted_at, claim=accepted_at + timedelta(hours=1))
        if application.extended_at is not None:
            extended_day = _working_days_ago(today, max(story.accepted - 1, 0))
            promised = deadlines.extended(promised, item.extension_days)
            statutory = deadlines.extended(statutory, item.extension_days)
            when["extend"] = fields["extended_at"] = _at(extended_day, 15)
        fields.update(
            accepted_at=accepted_at,
            promised_due_at=deadlines.end_of_day(promised),
            statutory_due_at=deadlines.end_of_day(statutory),
        )
        if application.state in (State.ACCEPTED, State.IN_REVIEW):
            fields["current_due_at"] = fields["promised_due_at"]
        if application.state == State.SUSPENDED:
            when["suspend"] = accepted_at + timedelta(hours=3)
        if application.decided_at is not None:
            decided_at = _at(_working_days_ago(today, story.decided), 16)
            fields["decided_at"] = when["approve"] = when["deny"] = decided_at
    return fields, when


def state_logs(applications: list[Application]) -> dict[int, list[StateLog]]:
    """Return the transition log rows of the applications, by application (demo data only)."""
    content_type = ContentType.objects.get_for_model(Application)
    logs: dict[int, list[StateLog]] = {}
    for log in StateLog.objects.filter(content_type=content_type, object_id__in=[str(a.pk) for a in applications]).only(
        "id", "object_id", "transition"
    ):
        logs.setdefault(int(log.object_id), []).append(log)
    return logs


def move_into_past(application: Application, fields: dict, when: dict, logs: dict[int, list[StateLog]]) -> None:
    """Store the application's past times and date its log rows by transition (demo data only).

    A reference names the day of filing: a filing moved into the past gets the next reference of
    that day, and the notices that named the old one name the new one.
    """
    submitted = fields.get("submitted_at")
    day = timezone.localtime(submitted).date() if submitted else None
    if day and application.reference and f"-{day:%Y%m%d}-" not in application.reference:
        old = application.reference
        new = drafting.reference_next(application.item, day)
        fields = {**fields, "reference": new}
        application.reference = new
        Notification.objects.filter(user_id=application.applicant_id, title__contains=old).update(
            title=Replace("title", Value(old), Value(new)),
            body=Replace("body", Value(old), Value(new)),
            link=Replace("link", Value(old), Value(new)),
        )
    Application.objects.filter(pk=application.pk).update(**fields)
    for log in logs.get(application.pk, []):
        if log.transition in when:
            StateLog.objects.filter(pk=log.pk).update(timestamp=when[log.transition])


def _backdate(stories: list[Story], today: date) -> None:
    """Move every story's stored times into its past (demo data only, see the module's docstring)."""
    logs = state_logs([s.application for s in stories])
    for story in stories:
        application = story.application
        application.refresh_from_db()
        fields, when = _times(story, today)
        move_into_past(application, fields, when, logs)
        if "request_correction" in when:
            CorrectionNotice.objects.filter(application=application).update(issued_at=when["request_correction"])
        started = when.get("suspend") or when.get("request_correction")
        if started:
            application.pauses.update(started_at=started)


def _items(department_codes: set[str] | None = None, *, certified: bool | None = None) -> list[ServiceItem]:
    items = ServiceItem.objects.filter(is_active=True, online_depth__gte=3).select_related("department")
    if department_codes is not None:
        items = items.filter(department__code__in=department_codes)
    if certified is not None:
        # The item produces a certificate (licenses' ItemCertificate, read by its reverse name; no import).
        items = items.filter(certificate_link__isnull=not certified)
    return [item for item in items.order_by("code") if item.can_apply_online]


def _ages(rng: random.Random, ending: str) -> tuple[int, int | None, int | None]:
    """Return (received, accepted, decided) in working days ago for an ending."""
    if ending in ("draft", "withdrawn", "rejected"):
        return rng.randint(0, 10), None, None
    if ending == "submitted":
        return rng.randint(0, 5), None, None  # 4 and 5: intake due tomorrow or today
    if ending == "late_intake":
        return rng.randint(6, 9), None, None
    if ending == "needs_correction":
        return rng.randint(1, 8), None, None
    if ending == "approved":  # decided up to 12 working days ago: some certificates near or past Art. 44
        accepted = rng.randint(3, 16)
        return accepted + rng.randint(0, 2), accepted, rng.randint(0, min(accepted, 12))
    accepted = rng.randint(0, 8)
    received = accepted + rng.randint(0, 2)
    decided = rng.randint(0, accepted) if ending in ("approved", "denied") else None
    return received, accepted, decided


@transaction.atomic
def load_demo_work(*, stdout=None) -> int:
    """Create the demo applications once; return how many were created now."""
    if Application.objects.filter(applicant__username__startswith=PREFIX).exists():
        return 0
    rng = random.Random(SEED)  # noqa: S311 - demo data, the same on every machine
    today = timezone.localdate()
    applicants = _applicants(rng) + list(User.objects.filter(username__in=["zhangsan", "huaxia"]))
    everywhere = _items()
    reviewed = _items(set(REVIEWERS))
    certified = _items(set(REVIEWERS), certified=True)
    extensible = [item for item in reviewed if item.extension_days]
    maker = _Maker(rng, today)
    stories = []
    for ending, count in PLAN:
        for n in range(count):
            if ending == "approved" or (ending == "accepted" and n < ACCEPTED_TO_CLAIM):
                # The demo reviewers find accepted cases of their own to claim and batch-approve.
                item = rng.choice(certified)
            elif ending == "extended":
                item = rng.choice(extensible)
            elif ending in REVIEW_STAGE:
                item = rng.choice(reviewed)
            else:
                item = rng.choice(everywhere)
            application = maker.draft(item, rng.choice(applicants), complete=ending != "draft" or rng.random() < 0.5)
            received, accepted, decided = _ages(rng, ending)
            stories.append(Story(ending, application, received, accepted, decided))
    for story in stories:
        maker.tell(story)
    _backdate(stories, today)
    if stdout is not None:
        stdout.write(f"Applications: {len(stories)} demo applications by {len(applicants)} applicants, in every state.")
    return len(stories)
