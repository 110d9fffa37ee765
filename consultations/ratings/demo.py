"""Demo ratings of services (好差评) for ``manage.py seed_demo``.

Demo data only, made through ``ratings.services`` with ``now=`` in the past: about three quarters
of the demo's concluded applications (the city at work and its six months of history) are rated
by their own applicants, a few days at most after the service ended, mostly 非常满意 or 满意.
Answered questions and served tickets of the demo people are rated too, but not all: the demo
citizen ``zhangsan`` and the enterprise ``huaxia`` keep their newest services to rate themselves.

The bad reviews are told one by one (``BAD``), so that every state of a rectification is there:
a return visit due, a visit done and the rectification open, closed rectified or explained,
closed late, an appeal pending, accepted (the rating excluded) or rejected, the rater satisfied
or not or not asked yet (``zhangsan``'s), anonymous ones, and exactly one overdue, which the clock
sweep seed_demo runs next alerts on. The open ones are at 住建局 and 市场监管局, whose demo staff
(``reviewer_zjj``, ``consultant_zjj``, ``reviewer_scjg``, ``consultant_scjg``) act on them; older
ones elsewhere were handled by the departments' demo reviewers; ``supervisor`` decides the appeals.

Deterministic (a fixed seed, working days counted back from today). Once a demo rating exists
the loader adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from approvals.models import Application, State
from portal.models import User

from ..appointments.models import QueueTicket
from ..questions.demo import working_days_ago
from ..questions.models import Question
from . import services
from .models import BAD_LEVELS, Level5, Rating, RatingInvitation, Rectification, ServiceKind

SEED = 1515
RATED_SHARE = 0.75
# The good levels' weights: most 非常满意, then 满意, a few 基本满意.
GOOD = [(Level5.VERY_SATISFIED, 66), (Level5.SATISFIED, 26), (Level5.BASICALLY_SATISFIED, 8)]
OWN = ("zhangsan", "huaxia")

GOOD_COMMENTS = [
    ("一次性告知了所有材料，跑一次就办好了。", ["one_notice"]),
    ("网上提交很方便，进度随时能查。", ["online"]),
    ("窗口工作人员态度很好，耐心解答。", ["attitude"]),
    ("比承诺时间提前办结，效率很高。", ["efficiency"]),
    ("材料清单写得清楚，没有来回补材料。", ["one_notice", "online"]),
    ("审批很快，证照邮寄到家，省了不少事。", ["efficiency"]),
    ("电话咨询一次就讲明白了，点赞。", ["attitude"]),
    ("整体满意，希望表格能再简化一些。", []),
]
FAIR_COMMENTS = [
    ("办是办好了，就是等待时间有点长。", ["efficiency"]),
    ("网上上传文件有时会失败，需要多试几次。", ["online"]),
]


@dataclass
class Bad:
    """One bad review and what became of it; days are working days before today."""

    department: str  # the code of the department of the service
    rated: int
    level: int
    comment: str
    tags: tuple = ()
    anonymous: bool = False
    public: bool = False
    visited: int | None = None  # working days ago; None: no return visit
    channel: str = "电话"
    closed: int | None = None
    outcome: str = ""
    text: str = ""
    appeal: bool | None = None  # the supervisor accepted (True) or rejected (False) the appeal; None: none or pending
    satisfied: bool | None = None
    rater: str | None = None  # a demo account that gave this review


RECTIFIED, EXPLAINED, APPEAL = Rectification.Outcome.values
BAD = [
    # Open: the return visit is due (today or the next working day), one of them anonymous.
    Bad("zjj", 1, Level5.DISSATISFIED, "补正通知没有一次说清，来回跑了两趟。", ("one_notice",)),
    Bad("scjg", 0, Level5.VERY_DISSATISFIED, "网上提交后三天没人理，打电话也没人接。", ("efficiency",), anonymous=True),
    # Open: visited, the rectification under way.
    Bad("zjj", 4, Level5.DISSATISFIED, "窗口工作人员说话不耐烦。", ("attitude",), visited=3),
    Bad("scjg", 6, Level5.DISSATISFIED, "系统上传材料总是失败。", ("online",), public=True, visited=5, channel="上门"),
    # Open and past its 15 working days: the one overdue.
    Bad("scjg", 18, Level5.VERY_DISSATISFIED, "要求提供的证明材料没有依据，多跑了一趟。", ("one_notice",), visited=17),
    # Closed, the outcome waiting for the rater's word (the demo citizen's own: try it in the personal centre).
    Bad(
        "",
        8,
        Level5.DISSATISFIED,
        "办理进度页面一直显示审查中，没有说明原因。",
        ("online",),
        visited=7,
        closed=3,
        outcome=EXPLAINED,
        text="经核查，该事项依法需现场核查，核查期间进度显示为审查中；已在办事指南中补充说明。",
        rater="zhangsan",
    ),
    # An appeal waiting for the supervisor.
    Bad(
        "zjj",
        10,
        Level5.VERY_DISSATISFIED,
        "什么都不行。",
        visited=9,
        channel="电话",
        closed=7,
        outcome=APPEAL,
        text="回访中评价人表示误点了评价等级，办理过程本身没有问题，申请复核。",
    ),
    # Closed rectified, on time; the rater satisfied.
    Bad(
        "zjj",
        30,
        Level5.DISSATISFIED,
        "补正材料清单和办事指南不一致。",
        ("one_notice",),
        public=True,
        visited=29,
        closed=25,
        outcome=RECTIFIED,
        text="已核对并更新办事指南的材料清单，与补正通知模板保持一致，并对窗口人员进行了培训。",
        satisfied=True,
    ),
    Bad(
        "cgj",
        40,
        Level5.DISSATISFIED,
        "办结后没有短信通知。",
        visited=39,
        closed=36,
        outcome=RECTIFIED,
        text="已开通办结短信提醒。",
        satisfied=True,
    ),
    # Closed rectified; the rater not satisfied.
    Bad(
        "jtj",
        45,
        Level5.VERY_DISSATISFIED,
        "审批用了十几天，比承诺的时间还长。",
        ("efficiency",),
        public=True,
        visited=44,
        closed=35,
        outcome=RECTIFIED,
        text="已调整审查分工，明确专人负责，后续同类事项按承诺时限办结。",
        satisfied=False,
    ),
    # An appeal the supervisor accepted: the rating is excluded from the figures, still stored.
    Bad(
        "rsj",
        50,
        Level5.VERY_DISSATISFIED,
        "不给办就差评。",
        visited=49,
        closed=46,
        outcome=APPEAL,
        text="申请人不符合法定条件已依法不予许可，回访时承认系因结果不满而恶意差评，申请复核。",
        appeal=True,
    ),
    # Closed explained (no legal basis for the request); the rater satisfied.
    Bad(
        "scjg",
        60,
        Level5.DISSATISFIED,
        "为什么不能当场发证？",
        ("efficiency",),
        visited=59,
        closed=56,
        outcome=EXPLAINED,
        text="依照相关规定该事项须经审查后发证，无法当场发证；已向申请人说明并告知邮寄服务。",
        satisfied=True,
    ),
    # An appeal the supervisor rejected: the rating counts.
    Bad(
        "sthjj",
        70,
        Level5.DISSATISFIED,
        "现场核查通知太晚。",
        visited=69,
        channel="短信",
        closed=66,
        outcome=APPEAL,
        text="核查通知已按规定时限发出，申请复核。",
        appeal=False,
        satisfied=False,
    ),
    # Anonymous, closed without a return visit (allowed for an anonymous review).
    Bad(
        "swj",
        80,
        Level5.DISSATISFIED,
        "咨询电话总是占线。",
        ("attitude",),
        anonymous=True,
        public=True,
        closed=75,
        outcome=RECTIFIED,
        text="已增设一条咨询专线，高峰时段增加接听人员。",
    ),
    # Closed rectified after its limit (not on time); anonymous, with a return visit.
    Bad(
        "fgw",
        100,
        Level5.VERY_DISSATISFIED,
        "同一份材料被要求提交了三次。",
        ("one_notice",),
        anonymous=True,
        visited=99,
        closed=80,
        outcome=RECTIFIED,
        text="已实行材料一次性告知和内部共享，不再重复要求提交。",
        satisfied=True,
    ),
    Bad(
        "czj",
        110,
        Level5.DISSATISFIED,
        "窗口排队时间太长。",
        visited=109,
        closed=100,
        outcome=RECTIFIED,
        text="已开通网上预约，高峰时段增开窗口。",
        satisfied=True,
    ),
]
VISIT_NOTES = "已电话联系评价人，了解具体情况并致歉，说明将在时限内整改并告知结果。"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _ended(application: Application) -> datetime:
    return application.decided_at or application.withdrawn_at


class _Rater:
    def __init__(self, rng: random.Random, now: datetime):
        self.rng = rng
        self.now = now
        self.today = timezone.localdate(now)
        self.staff = {
            user.username: user
            for user in User.objects.filter(Q(username__startswith="reviewer_") | Q(is_staff=True)).select_related(
                "department"
            )
        }
        self.handlers: dict[str, list[User]] = {}
        for user in self.staff.values():
            if user.department_id and user.username.split("_")[0] in ("reviewer", "consultant", "history"):
                self.handlers.setdefault(user.department.code, []).append(user)
        for handlers in self.handlers.values():
            handlers.sort(key=lambda user: (user.username.startswith("history_"), user.username))

    def day(self, n: int) -> date:
        return working_days_ago(self.today, n)

    def moment(self, n: int, hour: int) -> datetime:
        return min(_at(self.day(n), hour, self.rng.randint(0, 59)), self.now - timedelta(minutes=30))

    def good(self, application: Application) -> Rating:
        rng = self.rng
        level = rng.choices([level for level, _ in GOOD], weights=[weight for _, weight in GOOD])[0]
        comment, tags = ("", [])
        if rng.random() < 0.35:
            comment, tags = rng.choice(FAIR_COMMENTS if level == Level5.BASICALLY_SATISFIED else GOOD_COMMENTS)
        elif rng.random() < 0.3:
            tags = rng.sample(["efficiency", "attitude", "one_notice", "online"], rng.randint(1, 2))
        rated_at = min(_ended(application) + timedelta(hours=rng.randint(1, 96)), self.now - timedelta(minutes=10))
        return services.rating_submit(
            rater=application.applicant,
            kind=ServiceKind.APPLICATION,
            object_id=application.pk,
            level=level,
            tags=tags,
            comment=comment,
            anonymous=rng.random() < 0.15,
            comment_public=bool(comment) and rng.random() < 0.5,
            now=rated_at,
        )

    def bad(self, story: Bad, application: Application) -> Rating:
        rated_at = max(self.moment(story.rated, 15), _ended(application) + timedelta(minutes=30))
        if story.rated == 0:
            rated_at = self.now - timedelta(hours=2)
        rating = services.rating_submit(
            rater=application.applicant,
            kind=ServiceKind.APPLICATION,
            object_id=application.pk,
            level=story.level,
            tags=story.tags,
            comment=story.comment,
            anonymous=story.anonymous,
            comment_public=story.public,
            now=rated_at,
        )
        code = application.item.department.code
        handlers = self.handlers[code]
        # The department's consultation staff make some of the return visits where there are any.
        visitor = handlers[-1] if len(handlers) > 1 and story.rated % 2 else handlers[0]
        pk = rating.rectification.pk
        if story.visited is not None:
            services.return_visit_record(
                rectification_id=pk,
                actor=visitor,
                channel=story.channel,
                notes=VISIT_NOTES,
                now=max(self.moment(story.visited, 10), rated_at + timedelta(hours=1)),
            )
        if story.closed is not None:
            services.rectification_close(
                rectification_id=pk,
                actor=handlers[0],
                outcome=story.outcome,
                text=story.text,
                now=max(self.moment(story.closed, 16), rated_at + timedelta(hours=3)),
            )
        if story.appeal is not None:
            services.appeal_decide(rectification_id=pk, actor=self.staff["supervisor"], accept=story.appeal)
        if story.satisfied is not None:
            services.rater_verdict(rectification_id=pk, rater=rating.rater, satisfied=story.satisfied)
        return rating


def _concluded():
    concluded = Q(state__in=[State.APPROVED, State.DENIED, State.REJECTED]) | Q(
        state=State.WITHDRAWN, accepted_at__isnull=False
    )
    return Application.objects.filter(concluded).select_related("applicant", "item__department").order_by("pk")


def _pick(pool: list[Application], story: Bad, rater: _Rater) -> Application | None:
    """Return the service a bad review is about: of its department (or rater), ended before the review."""
    latest = rater.moment(story.rated, 14) if story.rated else rater.now - timedelta(hours=3)
    fits = [a for a in pool if _ended(a) < latest and a.item.department.code in rater.handlers]
    wanted = [
        a
        for a in fits
        if (story.rater and a.applicant.username == story.rater)
        or (not story.rater and a.item.department.code == story.department)
    ]
    if not fits:
        return None  # a demo without the applications (some tests leave them out)
    chosen = (wanted or fits)[-1]  # the latest that fits: the review comes soon after the service
    pool.remove(chosen)
    return chosen


def _others(now: datetime) -> int:
    """Rate an answered question and a served ticket or two (the demo people keep some to rate themselves)."""
    made = 0
    for username, level in (("zhangsan", Level5.VERY_SATISFIED), ("huaxia", Level5.SATISFIED)):
        question = Question.objects.filter(asker__username=username, first_reply_at__isnull=False).order_by("pk")
        question = question.filter(first_reply_at__lt=now - timedelta(hours=3))
        question = question.exclude(pk__in=Rating.objects.filter(question__isnull=False).values("question")).first()
        if question is not None:
            services.rating_submit(
                rater=question.asker,
                kind=ServiceKind.QUESTION,
                object_id=question.pk,
                level=level,
                tags=["attitude"],
                comment="答复很清楚，还附了政策依据。",
                comment_public=True,
                now=min(question.first_reply_at + timedelta(hours=2), now - timedelta(minutes=10)),
            )
            made += 1
    tickets = QueueTicket.objects.filter(state=QueueTicket.State.SERVED, appointment__isnull=False).exclude(
        appointment__in=Rating.objects.filter(appointment__isnull=False).values("appointment")
    )
    for n, ticket in enumerate(tickets.select_related("appointment__holder").order_by("pk")[:2]):
        services.rating_submit(
            rater=ticket.appointment.holder,
            kind=ServiceKind.APPOINTMENT,
            object_id=ticket.appointment_id,
            level=(Level5.VERY_SATISFIED, Level5.SATISFIED)[n % 2],
            tags=["efficiency"],
            now=now - timedelta(minutes=5),
        )
        made += 1
    return made


@transaction.atomic
def load_demo_ratings(*, stdout=None) -> int:
    """Rate the demo services once; return how many ratings were made now."""
    if Rating.objects.filter(Q(rater__username__startswith="demo_") | Q(rater__username__in=OWN)).exists():
        return 0
    if not User.objects.filter(username="supervisor").exists():
        return 0  # the demo accounts come first (seed_demo makes them)
    now = timezone.now()
    rng = random.Random(SEED)  # noqa: S311 - demo data, the same on every machine
    rater = _Rater(rng, now)
    pool = sorted((a for a in _concluded() if _ended(a) < now - timedelta(hours=1)), key=_ended)
    # The demo citizen and enterprise keep their newest concluded application to rate themselves.
    for username in OWN:
        own = [a for a in pool if a.applicant.username == username]
        if own:
            pool.remove(own[-1])
    made = 0
    for story in BAD:
        if story.department and story.department not in rater.handlers:
            continue
        application = _pick(pool, story, rater)
        if application is not None:
            rater.bad(story, application)
            made += 1
    for application in pool:
        if rng.random() < RATED_SHARE:
            rater.good(application)
            made += 1
    made += _others(now)
    # A link sent when a service ended expires RATING_LINK_DAYS later, whenever the demo made it.
    invitations = RatingInvitation.objects.filter(kind=ServiceKind.APPLICATION, used_at__isnull=True)
    ended = {a.pk: _ended(a) for a in _concluded().filter(pk__in=invitations.values("object_id"))}
    for invitation in invitations.filter(object_id__in=list(ended)):
        RatingInvitation.objects.filter(pk=invitation.pk).update(
            expires_at=ended[invitation.object_id] + timedelta(days=settings.RATING_LINK_DAYS)
        )
    if stdout is not None:
        bad = Rating.objects.filter(level__in=BAD_LEVELS).count()
        stdout.write(f"Ratings: {made} demo ratings ({bad} bad reviews, each followed up).")
    return made
