"""Public pages of online consultation: ask, follow one's questions, search the FAQ."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_ratelimit.core import is_ratelimited

from approvals.models import ServiceItem
from portal import personal_centre
from portal.errors import ActionRefused
from portal.models import Department, User
from portal.personal_data import lookup_hash

from . import clock, selectors, services
from .clock import due_in_words
from .downloads import attachment_response
from .forms import AskForm, FaqSearchForm, FollowUpForm
from .models import FaqEntry, Message, Question, ReplyKind

SUGGESTIONS = 5
FAQ_PAGE_SIZE = 10
# A search ranks at most this many entries; past them the asker should refine the words.
FAQ_SEARCH_CAP = 100
MY_QUESTIONS_PAGE_SIZE = 10


def _asks_for_self(user) -> bool:
    return not user.is_authenticated or user.kind in (User.Kind.CITIZEN, User.Kind.ENTERPRISE)


# --- asking ---------------------------------------------------------------------------------


def _rate_limited(request, form) -> bool:
    """Count one question sent against the account or the mobile, and the address; True when over a limit."""
    limited = False
    if request.user.is_authenticated:
        limited |= is_ratelimited(
            request,
            group="consultations.ask.account",
            key=lambda group, request: str(request.user.pk),
            rate=settings.QUESTION_RATE_LIMIT_ACCOUNT,
            increment=True,
        )
    else:
        # The number itself never reaches the cache: its keyed hash does.
        mobile_key = lookup_hash(form.cleaned_data["mobile"])
        limited |= is_ratelimited(
            request,
            group="consultations.ask.mobile",
            key=lambda group, request: mobile_key,
            rate=settings.QUESTION_RATE_LIMIT_MOBILE,
            increment=True,
        )
    limited |= is_ratelimited(
        request, group="consultations.ask.ip", key="ip", rate=settings.QUESTION_RATE_LIMIT_IP, increment=True
    )
    return limited


def _similar(query: str, *, item: ServiceItem | None = None, department: Department | None = None) -> list[FaqEntry]:
    """Return the published answers closest to a question, within its item or department when it names one."""
    return selectors.faq_search(query, item=item, department=department, limit=SUGGESTIONS)


def _render_ask(request, form, *, status=200, suggestions=(), reattach=False):
    return render(
        request,
        "consultations/ask.html",
        {
            "form": form,
            "suggestions": suggestions,
            "reattach": reattach,
            "max_length": settings.QUESTION_MAX_LENGTH,
            "reply_days": clock.limits()[ReplyKind.IN_SCOPE],
        },
        status=status,
    )


def _land_on(question: Question):
    if question.asker_id:
        return redirect("consultations:question", question.reference)
    return redirect("consultations:question_by_token", question.access_token)


def _already_sent(request, question: Question):
    """Land a form sent twice on the question it already made."""
    messages.info(
        request, _("This question was already sent (reference %(reference)s).") % {"reference": question.reference}
    )
    return _land_on(question)


@never_cache
def ask(request):
    """Ask a question; before it is sent, the asker sees the published answers closest to it."""
    if not _asks_for_self(request.user):
        messages.error(
            request,
            _(
                "Staff accounts do not ask questions here: record a question received by phone or at the "
                "window in the admin."
            ),
        )
        return render(request, "consultations/ask.html", {"form": None}, status=403)
    if request.method != "POST":
        initial = {}
        code = request.GET.get("item", "")
        if code and ServiceItem.objects.filter(code=code, is_active=True).exists():
            initial["item"] = code
        initial["form_token"] = uuid.uuid4()
        return _render_ask(request, AskForm(user=request.user, initial=initial))

    form = AskForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return _render_ask(request, form, status=400, reattach=bool(request.FILES))
    data = form.cleaned_data
    sent = Question.objects.filter(form_token=data["form_token"]).first() if data["form_token"] else None
    if sent is not None and sent.asker_id == (request.user.pk if request.user.is_authenticated else None):
        return _already_sent(request, sent)
    if not data["faq_seen"]:
        # Without JavaScript the panel could not show: the page shows the answers once, then "send anyway".
        found = _similar(form.suggest_query(), item=data["item"], department=data["department"])
        if found:
            shown = request.POST.copy()
            shown["faq_seen"] = "on"
            form = AskForm(shown, request.FILES, user=request.user)
            form.is_valid()
            return _render_ask(request, form, suggestions=found, reattach=bool(request.FILES))
    if _rate_limited(request, form):
        form.add_error(
            None,
            _(
                "You have sent many questions in a short time. Please wait a while and send this one again; "
                "what you typed is kept below. For urgent matters call 12345."
            ),
        )
        return _render_ask(request, form, status=429, reattach=bool(request.FILES))
    user = request.user if request.user.is_authenticated else None
    try:
        question = services.question_ask(
            asker=user,
            name=user.display_name if user else data["name"],
            mobile="" if user else data["mobile"],
            item=data["item"],
            department=data["department"],
            topic=data["topic"],
            subject=data["subject"],
            body=data["body"],
            application=data.get("application"),
            attachment=data["attachment"],
            attachment_check=form.attachment_check,
            form_token=data["form_token"] or None,
        )
    except ActionRefused as refused:
        form.add_error("application" if data.get("application") else None, refused.message)
        return _render_ask(request, form, status=400, reattach=bool(request.FILES))
    if getattr(question, "already_sent", False):
        return _already_sent(request, question)
    messages.success(
        request,
        _("Your question has been sent. Its reference is %(reference)s; a reply is due %(due)s.")
        % {"reference": question.reference, "due": due_in_words(question.current_due_at)},
    )
    if user is not None:
        return redirect("consultations:question", question.reference)
    messages.info(
        request, _("Keep the address of this page (we also texted it to you): it is your link to the answer.")
    )
    return redirect("consultations:question_by_token", question.access_token)


# --- the asker's question page ----------------------------------------------------------------


def _thread_rows(question: Question) -> list[dict]:
    """Return the thread as the asker sees it: who wrote (staff number and department, never a name)."""
    rows = []
    for message in selectors.thread(question, staff=False):
        by_staff = message.author_id is not None and message.author_id != question.asker_id
        rows.append(
            {
                "message": message,
                "by_asker": message.kind in (Message.Kind.QUESTION, Message.Kind.FOLLOW_UP, Message.Kind.RESOLVED),
                "badge": services.staff_badge(message.author) if by_staff else "",
                "department": message.department.name if message.department_id else "",
            }
        )
    return rows


def _question_page(request, question: Question, *, action_url: str, attachment_url: str, follow_up_form=None):
    now = timezone.now()
    may_follow_up = services.may_follow_up(question, now)
    context = {
        "question": question,
        "rows": _thread_rows(question),
        "accountable": selectors.accountable(question),
        "due": due_in_words(question.current_due_at) if question.is_open else "",
        "may_follow_up": may_follow_up,
        "follow_up_until": (
            date_format(timezone.localtime(question.follow_up_until).date(), "DATE_FORMAT") if may_follow_up else ""
        ),
        "may_resolve": question.state == Question.State.ANSWERED,
        "follow_up_form": follow_up_form or FollowUpForm(),
        "action_url": action_url,
        "attachment_url": attachment_url if question.attachment else "",
        "max_length": settings.QUESTION_MAX_LENGTH,
    }
    return render(request, "consultations/question.html", context, status=400 if follow_up_form else 200)


def _act(request, question: Question, *, action_url: str, attachment_url: str):
    """Run the asker's action (follow-up or resolved) through the service; errors become messages."""
    action = request.POST.get("action")
    try:
        if action == "follow_up":
            form = FollowUpForm(request.POST)
            if not form.is_valid():
                return _question_page(
                    request, question, action_url=action_url, attachment_url=attachment_url, follow_up_form=form
                )
            question = services.question_follow_up(question_id=question.pk, text=form.cleaned_data["text"])
            messages.success(
                request,
                _("Your follow-up question has been sent; a reply is due %(due)s.")
                % {"due": due_in_words(question.current_due_at)},
            )
        elif action == "resolve":
            services.question_resolve(question_id=question.pk)
            messages.success(request, _("Thank you: the question is marked resolved."))
        else:
            messages.error(request, _("This action is not available; please use the buttons on the page."))
    except ActionRefused as refused:  # AlreadyHandled included: a second click, a page left open
        messages.info(request, refused.message)
    return redirect(action_url)


@never_cache
def question(request, reference):
    """Show the signed-in asker their question and its thread; anyone else gets a 404."""
    found = selectors.question_get_for_user(request.user, reference)
    urls = {
        "action_url": reverse("consultations:question", args=[found.reference]),
        "attachment_url": reverse("consultations:attachment", args=[found.reference]),
    }
    if request.method == "POST":
        return _act(request, found, **urls)
    return _question_page(request, found, **urls)


@never_cache
def question_by_token(request, token):
    """Show a question to whoever holds its private link (someone who asked without an account)."""
    found = selectors.question_get_by_token(token)
    urls = {
        "action_url": reverse("consultations:question_by_token", args=[token]),
        "attachment_url": reverse("consultations:attachment_by_token", args=[token]),
    }
    if request.method == "POST":
        return _act(request, found, **urls)
    return _question_page(request, found, **urls)


@require_GET
def attachment(request, reference):
    """Stream the question's attachment to the signed-in asker; anyone else gets a 404."""
    return attachment_response(selectors.question_get_for_user(request.user, reference))


@require_GET
def attachment_by_token(request, token):
    """Stream the question's attachment to the holder of its private link."""
    return attachment_response(selectors.question_get_by_token(token))


def my_questions_section(request) -> dict:
    """Return the context of the "my questions" section of the personal centre."""
    paginator = personal_centre.SectionPaginator(selectors.questions_of(request.user), MY_QUESTIONS_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("qpage"))
    rows = [(q, due_in_words(q.current_due_at) if q.is_open else "") for q in page]
    query = request.GET.copy()
    query.pop("qpage", None)
    return {"questions_page": page, "question_rows": rows, "query": query.urlencode()}


# --- the FAQ --------------------------------------------------------------------------------


def _faq_filters(form: FaqSearchForm) -> tuple[str, ServiceItem | None, Department | None]:
    form.is_valid()
    # A filter that no longer validates (an item withdrawn, a bad link) is ignored alone.
    data = {name: form.cleaned_data.get(name, "") for name in form.fields}
    item = ServiceItem.objects.filter(code=data["item"], is_active=True).first() if data.get("item") else None
    department = Department.objects.filter(code=data["department"]).first() if data.get("department") else None
    return (data.get("q") or "").strip(), item, department


def faq(request):
    """Search the published answers, within an item or a department if chosen."""
    form = FaqSearchForm(request.GET)
    q, item, department = _faq_filters(form)
    if q:
        entries = selectors.faq_search(q, item=item, department=department, limit=FAQ_SEARCH_CAP)
    else:
        entries = selectors.faq_published().select_related("item", "department")
        if item is not None:
            entries = entries.filter(item=item)
        elif department is not None:
            entries = entries.filter(department=department)
        entries = entries.order_by("-published_at", "-id")
    page = Paginator(entries, FAQ_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ask_url = reverse("consultations:index") + (f"?{urlencode({'item': item.code})}" if item else "")
    return render(
        request,
        "consultations/faq.html",
        {"form": form, "page": page, "query": query.urlencode(), "q": q, "item": item, "ask_url": ask_url},
    )


def faq_entry(request, pk):
    entry = selectors.faq_entry_get(pk)
    ask_url = reverse("consultations:index") + (f"?{urlencode({'item': entry.item.code})}" if entry.item_id else "")
    return render(request, "consultations/faq_entry.html", {"entry": entry, "ask_url": ask_url})


@require_GET
def faq_suggest(request):
    """Return up to five published answers close to what the asker is typing (JSON, for ask.js)."""
    limited = is_ratelimited(
        request,
        group="consultations.faq_suggest",
        key="ip",
        rate=settings.QUESTION_FAQ_SUGGEST_RATE_LIMIT,
        increment=True,
    )
    if limited:
        return JsonResponse({"results": [], "error": _("Too many searches; please wait a minute.")}, status=429)
    q = request.GET.get("q", "")[:200].strip()
    code = request.GET.get("item", "")
    item = ServiceItem.objects.filter(code=code, is_active=True).first() if code else None
    found = _similar(q, item=item) if q else []
    results = [{"question": entry.question_text, "url": entry.get_absolute_url()} for entry in found]
    return JsonResponse({"results": results})


def guide_faq_section(request, item) -> dict:
    """Return the context of the questions-and-answers section of an item's guide page (one query)."""
    return {
        "faq_entries": selectors.faq_for_item(item),
        "ask_url": f"{reverse('consultations:index')}?{urlencode({'item': item.code})}",
        "faq_url": f"{reverse('consultations:faq')}?{urlencode({'item': item.code})}",
    }
