"""The FAQ search: Chinese without word segmentation, title matches first, only published entries."""

import pytest

from approvals.tests import factories as approval_factories
from consultations import services
from consultations.models import FaqTerm
from consultations.selectors import faq_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def publish(consultant, permit_item):
    def publish(question, answer, *, item=permit_item):
        return services.faq_publish(actor=consultant, question_text=question, answer_text=answer, item=item)

    return publish


@pytest.fixture
def other_item(construction_department):
    return approval_factories.item(code="ZJJ-XK-0005", name="商品房预售许可", department=construction_department)


def test_it_finds_chinese_text_without_word_segmentation(publish):
    entry = publish("开工前要办什么证？", "应当先领取建筑工程施工许可证。")
    publish("公租房怎么申请？", "向街道提交住房困难证明。")

    assert faq_search("施工许可") == [entry]


def test_it_ranks_entries_matching_in_the_question_before_those_matching_in_the_answer(publish):
    in_answer = publish("开工前要办什么手续？", "需要办理施工许可，材料见办事指南。")
    in_question = publish("施工许可怎么申请？", "在网上提交申请表和图纸审查合格书。")

    assert faq_search("施工许可") == [in_question, in_answer]


def test_it_ranks_entries_sharing_more_of_the_query_first(publish):
    some = publish("许可证丢了怎么办？", "可以在网上申请补发。")
    more = publish("施工许可证丢了怎么办？", "可以在网上申请补发施工许可证。")

    assert faq_search("施工许可证补发")[:2] == [more, some]


def test_it_finds_a_single_character_that_stands_alone_in_the_text(publish):
    entry = publish("证、照有什么区别？", "证是许可，照是执照。")

    assert entry in faq_search("证")


def test_it_finds_a_question_containing_a_single_character_query(publish):
    entry = publish("开工前要办什么证？", "应当先领取施工许可证。")

    assert faq_search("证") == [entry]


def test_it_finds_latin_words_and_numbers_whatever_their_case(publish):
    entry = publish("ICP许可证由哪个部门办理？", "ICP经营许可由通信管理局办理，不在本市权限内。")
    limit = publish("多少面积以下不用办施工许可？", "建筑面积在300平方米以下的可以不办。")

    assert faq_search("icp") == [entry]
    assert faq_search("300平方米")[0] == limit


def test_it_never_finds_an_unpublished_entry(publish, consultant):
    entry = publish("施工许可证多久能办好？", "承诺3个工作日内办结。")
    entry.is_published = False
    services.faq_save(actor=consultant, entry=entry)

    assert faq_search("施工许可") == []
    assert not FaqTerm.objects.filter(entry=entry).exists()


def test_it_searches_within_one_item_when_asked(publish, permit_item, other_item):
    permit = publish("施工许可证需要哪些材料？", "申请表、规划许可证、图纸审查合格书。")
    presale = publish("预售许可需要哪些材料？", "预售方案、规划许可证和施工许可证。", item=other_item)

    assert set(faq_search("许可证材料")) == {permit, presale}
    assert faq_search("许可证材料", item=permit_item) == [permit]
    assert faq_search("许可证材料", item=other_item) == [presale]


def test_it_returns_nothing_for_a_query_without_terms(publish):
    publish("施工许可证需要哪些材料？", "申请表。")

    assert faq_search("？！ ，") == []


def test_it_answers_in_two_queries_however_many_entries_match(publish, django_assert_num_queries):
    for n in range(12):
        publish(f"施工许可问题{n}？", "答复。")

    with django_assert_num_queries(2):
        found = faq_search("施工许可")
    assert len(found) == 10
