"""Publishing an answer to the FAQ from the admin, the FAQ entries' admin and the reply limits' page."""

import pytest
from django.urls import reverse

from approvals.tests import factories as approval_factories
from consultations import services
from consultations.models import FaqEntry, FaqTerm, ReplyKind, ReplyLimit
from consultations.questions import clock
from consultations.tests import factories

pytestmark = pytest.mark.django_db

ID_NUMBER = "110101199003071234"


@pytest.fixture
def answered(permit_item, citizen, consultant):
    return factories.answered(permit_item, asker=citizen, handler=consultant)


def _publish_url(question):
    return reverse("admin:consultations_question_publish", args=[question.pk])


def _post(client, question, step, **fields):
    data = {
        "question_text": "施工许可需要哪些材料？",
        "answer_text": "需要提交申请表和施工图审查合格书。",
        "basis": "《建筑工程施工许可管理办法》第四条",
        "item": question.item_id,
        "step": step,
    } | fields
    return client.post(_publish_url(question), data)


def test_the_form_is_prefilled_with_the_question_and_the_last_answer(client, consultant, answered):
    client.force_login(consultant)

    form = client.get(_publish_url(answered)).context["form"]

    assert form.initial["question_text"] == answered.body
    assert form.initial["answer_text"] == "需要提交申请表和施工图审查合格书。"


def test_the_preview_flags_an_id_number_in_the_text(client, consultant, answered):
    client.force_login(consultant)

    response = _post(client, answered, "preview", answer_text=f"身份证号 {ID_NUMBER} 的申请人需要提交申请表。")

    assert [flag.text for flag in response.context["preview"]["flags"]] == [ID_NUMBER]
    assert f'<mark class="ow-flag">{ID_NUMBER}</mark>' in response.content.decode()
    assert not FaqEntry.objects.exists()


def test_the_preview_flags_the_askers_name(client, consultant, answered):
    client.force_login(consultant)

    response = _post(client, answered, "preview", question_text="张爱丽问：施工许可需要哪些材料？")

    assert "张爱丽" in [flag.text for flag in response.context["preview"]["flags"]]


def test_publishing_needs_the_preview_first(client, consultant, answered):
    client.force_login(consultant)

    response = _post(client, answered, "publish")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not FaqEntry.objects.exists()


def test_publishing_a_text_edited_after_the_preview_needs_a_new_preview(client, consultant, answered):
    client.force_login(consultant)
    signature = _post(client, answered, "preview").context["form"].data["previewed"]

    _post(client, answered, "publish", previewed=signature, answer_text="改过的答复。")

    assert not FaqEntry.objects.exists()


def test_publishing_with_flags_left_needs_a_confirmation(client, consultant, answered):
    client.force_login(consultant)
    text = f"身份证号 {ID_NUMBER} 的申请人需要提交申请表。"
    signature = _post(client, answered, "preview", answer_text=text).context["form"].data["previewed"]

    refused = _post(client, answered, "publish", answer_text=text, previewed=signature)
    assert refused.context["form"].errors["confirm"]
    assert not FaqEntry.objects.exists()

    _post(client, answered, "publish", answer_text=text, previewed=signature, confirm="on")
    assert FaqEntry.objects.get().answer_text == text


def test_it_publishes_after_the_preview_and_indexes_the_entry(client, consultant, answered, permit_item):
    client.force_login(consultant)
    signature = _post(client, answered, "preview").context["form"].data["previewed"]

    response = _post(client, answered, "publish", previewed=signature)

    entry = FaqEntry.objects.get()
    assert response["Location"] == reverse("admin:consultations_question_change", args=[answered.pk])
    assert (entry.source, entry.item, entry.published_by) == (answered, permit_item, consultant)
    assert FaqTerm.objects.filter(entry=entry, term="材料").exists()


def test_a_published_question_offers_no_second_publication(client, consultant, answered):
    services.faq_publish(actor=consultant, question_text="问", answer_text="答", item=answered.item, source=answered)
    client.force_login(consultant)

    response = client.get(_publish_url(answered))

    assert response.status_code == 302
    assert _publish_url(answered) not in client.get(response["Location"]).content.decode()


def test_an_unanswered_question_cannot_be_published(client, consultant, permit_item, citizen):
    question = factories.ask(permit_item, asker=citizen)
    client.force_login(consultant)

    assert client.get(_publish_url(question)).status_code == 302
    assert not FaqEntry.objects.exists()


def test_a_supervisor_cannot_publish(client, supervisor, answered):
    client.force_login(supervisor)

    assert client.get(_publish_url(answered)).status_code == 403


# --- the FAQ entries' admin ---------------------------------------------------------------------


@pytest.fixture
def two_entries(consultant, clerk, permit_item, market_department):
    market_item = approval_factories.item(market_department, code="SC-DJ-0001", name="企业登记")
    return {
        "construction": services.faq_publish(
            actor=consultant, question_text="施工许可", answer_text="答", item=permit_item
        ),
        "market": services.faq_publish(actor=clerk, question_text="企业登记", answer_text="答", item=market_item),
    }


def _listed_entries(client, user):
    client.force_login(user)
    response = client.get(reverse("admin:consultations_faqentry_changelist"))
    assert response.status_code == 200
    return {entry.pk for entry in response.context["cl"].result_list}


def test_a_consultant_keeps_only_their_departments_entries(client, consultant, two_entries):
    assert _listed_entries(client, consultant) == {two_entries["construction"].pk}


@pytest.mark.parametrize("role", ["clerk", "supervisor"])
def test_clerks_and_supervisors_see_every_entry(client, request, role, two_entries):
    assert _listed_entries(client, request.getfixturevalue(role)) == {e.pk for e in two_entries.values()}


def test_an_edit_is_saved_and_reindexed(client, consultant, two_entries, permit_item):
    entry = two_entries["construction"]
    client.force_login(consultant)

    response = client.post(
        reverse("admin:consultations_faqentry_change", args=[entry.pk]),
        {
            "item": permit_item.pk,
            "question_text": "开工前要办什么",
            "answer_text": "施工许可证",
            "basis": "",
            "is_published": "on",
        },
    )

    assert response.status_code == 302
    assert FaqTerm.objects.filter(entry=entry, term="开工").exists()
    assert not FaqTerm.objects.filter(entry=entry, term="许可").exclude(weight=1).exists()


def test_withdrawing_an_entry_removes_it_from_the_search(client, clerk, two_entries):
    entry = two_entries["market"]
    client.force_login(clerk)

    client.post(
        reverse("admin:consultations_faqentry_changelist"),
        {"action": "withdraw", "_selected_action": [entry.pk]},
    )

    entry.refresh_from_db()
    assert not entry.is_published
    assert not FaqTerm.objects.filter(entry=entry).exists()


def test_a_supervisor_reads_an_entry_but_cannot_change_it(client, supervisor, two_entries):
    entry = two_entries["market"]
    client.force_login(supervisor)
    url = reverse("admin:consultations_faqentry_change", args=[entry.pk])

    assert client.get(url).status_code == 200
    client.post(url, {"question_text": "改了", "answer_text": "改了", "is_published": "on"})
    entry.refresh_from_db()
    assert entry.question_text == "企业登记"


def test_a_consultant_cannot_open_another_departments_entry(client, consultant, two_entries):
    client.force_login(consultant)

    response = client.get(reverse("admin:consultations_faqentry_change", args=[two_entries["market"].pk]))

    assert response.status_code == 302  # Django's "does not exist" redirect to the admin's home
    assert FaqEntry.objects.get(pk=two_entries["market"].pk).question_text == "企业登记"


# --- the reply limits ---------------------------------------------------------------------------


def test_the_limits_page_shows_all_three_kinds_with_their_defaults(client, administrator, settings):
    settings.QUESTION_JOINT_REPLY_WORKING_DAYS = 4
    client.force_login(administrator)

    response = client.get(reverse("admin:consultations_replylimit_changelist"))

    amounts = {row["kind"]: row["amount"] for row in response.context["kinds"]}
    assert amounts == {ReplyKind.IN_SCOPE: 2, ReplyKind.JOINT: 4, ReplyKind.OUTSIDE_REMIT: 3}


def test_a_limit_set_in_the_admin_is_the_one_in_force(client, administrator):
    client.force_login(administrator)

    client.post(reverse("admin:consultations_replylimit_add"), {"kind": ReplyKind.IN_SCOPE, "amount": 1})

    assert clock.limits()[ReplyKind.IN_SCOPE] == 1
    response = client.get(reverse("admin:consultations_replylimit_changelist"))
    assert {row["kind"]: row["amount"] for row in response.context["kinds"]}[ReplyKind.IN_SCOPE] == 1


def test_a_supervisor_reads_the_limits_but_cannot_set_them(client, supervisor):
    ReplyLimit.objects.create(kind=ReplyKind.JOINT, amount=5)
    client.force_login(supervisor)

    response = client.get(reverse("admin:consultations_replylimit_changelist"))

    assert response.status_code == 200
    assert {row["kind"]: row["amount"] for row in response.context["kinds"]}[ReplyKind.JOINT] == 5
    assert (
        client.post(reverse("admin:consultations_replylimit_add"), {"kind": "in_scope", "amount": 9}).status_code == 403
    )
    assert not ReplyLimit.objects.filter(kind=ReplyKind.IN_SCOPE).exists()


def test_only_the_administrator_gets_the_link_to_set_a_limit(client, administrator, supervisor):
    add = reverse("admin:consultations_replylimit_add")
    client.force_login(administrator)
    assert f"{add}?kind=in_scope" in client.get(reverse("admin:consultations_replylimit_changelist")).content.decode()
    client.force_login(supervisor)

    assert add not in client.get(reverse("admin:consultations_replylimit_changelist")).content.decode()
