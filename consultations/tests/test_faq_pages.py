"""The FAQ pages, the suggestions for ask.js, the guide page's answers and the personal centre's questions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.tests import factories as approval_factories
from consultations import services
from consultations.tests import factories
from portal import page_cache


def _publish(consultant, item, question_text="施工许可证需要哪些材料？", answer_text="申请表、施工图审查合格书。"):
    return services.faq_publish(actor=consultant, question_text=question_text, answer_text=answer_text, item=item)


def test_an_faq_entry_appears_on_the_permits_guide_page(client, permit_item, consultant):
    entry = _publish(consultant, permit_item)

    content = client.get(reverse("approvals:guide", args=[permit_item.code])).content.decode()

    assert entry.question_text in content
    assert entry.get_absolute_url() in content


def test_the_guide_page_offers_to_ask_about_the_item(client, permit_item):
    content = client.get(reverse("approvals:guide", args=[permit_item.code])).content.decode()

    assert f'href="{reverse("consultations:index")}?item={permit_item.code}"' in content


def test_the_guide_page_lists_the_newest_five_and_links_to_more(client, permit_item, consultant):
    for n in range(7):
        _publish(consultant, permit_item, question_text=f"第{n}个问题")

    content = client.get(reverse("approvals:guide", args=[permit_item.code])).content.decode()

    shown = [f"第{n}个问题" for n in range(7) if f"第{n}个问题" in content]
    assert sorted(shown, key=content.index) == [f"第{n}个问题" for n in range(6, 1, -1)]
    assert f"{reverse('consultations:faq')}?item={permit_item.code}" in content


def test_a_newly_published_answer_shows_on_the_held_guide_at_once(client, permit_item, consultant):
    guide = reverse("approvals:guide", args=[permit_item.code])
    assert "施工许可证需要哪些材料？" not in client.get(guide).content.decode()

    entry = _publish(consultant, permit_item)

    assert entry.question_text in client.get(guide).content.decode()


def test_an_answer_taken_off_the_faq_leaves_the_held_guide_at_once(client, permit_item, consultant):
    entry = _publish(consultant, permit_item)
    guide = reverse("approvals:guide", args=[permit_item.code])
    assert entry.question_text in client.get(guide).content.decode()

    entry.is_published = False
    entry.save()

    assert entry.question_text not in client.get(guide).content.decode()


def test_the_guide_serves_its_answers_again_with_no_query(client, permit_item, consultant):
    _publish(consultant, permit_item)
    guide = reverse("approvals:guide", args=[permit_item.code])
    client.get(guide)

    with CaptureQueriesContext(connection) as again:
        assert "施工许可证需要哪些材料？" in client.get(guide).content.decode()

    assert len(again) == 0


def test_the_guide_page_costs_the_same_queries_with_many_answers(
    client, permit_item, consultant, construction_department, django_assert_num_queries
):
    bare = approval_factories.item(construction_department, code="ZJJ-XK-0099")
    client.get(reverse("approvals:guide", args=[bare.code]))
    page_cache.clear()  # both renderings read the item and render the guide's body
    with CaptureQueriesContext(connection) as none:
        client.get(reverse("approvals:guide", args=[bare.code]))
    for n in range(6):
        _publish(consultant, permit_item, question_text=f"第{n}个问题")
    page_cache.clear()

    with django_assert_num_queries(len(none)):
        client.get(reverse("approvals:guide", args=[permit_item.code]))


def test_the_faq_search_finds_an_entry_by_chinese_words(client, permit_item, consultant):
    entry = _publish(consultant, permit_item)
    _publish(consultant, permit_item, question_text="营业执照怎么办理？", answer_text="到市场监管局办理。")

    response = client.get(reverse("consultations:faq"), {"q": "施工许可材料"})

    assert list(response.context["page"])[0] == entry


def test_the_faq_search_filters_by_item(client, permit_item, consultant, construction_department):
    other = approval_factories.item(construction_department, code="ZJJ-XK-0098")
    _publish(consultant, other)
    mine = _publish(consultant, permit_item)

    response = client.get(reverse("consultations:faq"), {"q": "施工许可", "item": permit_item.code})

    assert list(response.context["page"]) == [mine]


def test_the_faq_lists_the_newest_entries_of_a_department_without_words(
    client, permit_item, consultant, other_consultant, market_department
):
    mine = _publish(consultant, permit_item)
    services.faq_publish(
        actor=other_consultant,
        question_text="营业执照？",
        answer_text="到窗口。",
        item=None,
        department=market_department,
    )

    response = client.get(reverse("consultations:faq"), {"department": permit_item.department.code})

    assert list(response.context["page"]) == [mine]


def test_the_faq_ignores_an_unknown_filter(client, permit_item, consultant):
    entry = _publish(consultant, permit_item)

    response = client.get(reverse("consultations:faq"), {"item": "NOPE-1"})

    assert list(response.context["page"]) == [entry]


def test_the_faq_list_is_paginated(client, permit_item, consultant):
    for n in range(12):
        _publish(consultant, permit_item, question_text=f"施工许可问题{n}")

    response = client.get(reverse("consultations:faq"), {"q": "施工许可"})

    assert len(response.context["page"]) == 10
    assert response.context["page"].paginator.count == 12


def test_the_faq_entry_page_shows_the_answer(client, permit_item, consultant):
    entry = _publish(consultant, permit_item)

    content = client.get(entry.get_absolute_url()).content.decode()

    assert "申请表、施工图审查合格书。" in content


def test_a_withdrawn_faq_entry_is_404(client, permit_item, consultant):
    entry = _publish(consultant, permit_item)
    entry.is_published = False
    services.faq_save(actor=consultant, entry=entry)

    assert client.get(entry.get_absolute_url()).status_code == 404


def test_the_suggestions_give_at_most_five_questions_with_their_address(client, permit_item, consultant):
    entries = [_publish(consultant, permit_item, question_text=f"施工许可问题{n}") for n in range(7)]

    data = client.get(reverse("consultations:faq_suggest"), {"q": "施工许可", "item": permit_item.code}).json()

    assert len(data["results"]) == 5
    assert set(data["results"][0]) == {"question", "url"}
    assert data["results"][0]["url"] in {e.get_absolute_url() for e in entries}


def test_the_suggestions_are_limited_per_address(client, permit_item, settings):
    settings.QUESTION_FAQ_SUGGEST_RATE_LIMIT = "2/m"
    for _ in range(2):
        client.get(reverse("consultations:faq_suggest"), {"q": "施工许可"})

    response = client.get(reverse("consultations:faq_suggest"), {"q": "施工许可"})

    assert response.status_code == 429


@pytest.fixture
def me_url():
    return reverse("me")


def test_my_questions_lists_the_askers_questions_only(client, citizen, other_citizen, permit_item, me_url):
    mine = factories.ask(permit_item, asker=citizen, subject="我的问题")
    factories.ask(permit_item, asker=other_citizen, subject="别人的问题")
    client.force_login(citizen)

    content = client.get(me_url).content.decode()

    assert mine.reference in content
    assert "别人的问题" not in content


def test_my_questions_are_paginated(client, citizen, permit_item, me_url):
    for n in range(12):
        factories.ask(permit_item, asker=citizen, subject=f"问题{n}")
    client.force_login(citizen)

    second = client.get(me_url, {"qpage": 2})

    (section,) = [s for s in second.context["sections"] if "questions_page" in s]
    assert section["questions_page"].number == 2
    assert len(section["question_rows"]) == 2


def test_my_questions_cost_the_same_queries_with_many_questions(
    client, citizen, other_citizen, permit_item, me_url, django_assert_num_queries, settings
):
    settings.PERSONAL_CENTRE_HOLD_SECONDS = 0  # the cost of rendering it, every time
    factories.ask(permit_item, asker=citizen)
    client.force_login(citizen)
    client.get(me_url)
    with CaptureQueriesContext(connection) as one:
        client.get(me_url)
    for _ in range(8):
        factories.ask(permit_item, asker=citizen)

    with django_assert_num_queries(len(one)):
        client.get(me_url)
