"""The catalogue (/services/) and the guide (/services/<code>/)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals import views
from approvals.models import ServiceItem
from approvals.tests import factories
from portal import page_cache
from portal.models import District
from portal.tests import factories as portal_factories

pytestmark = pytest.mark.django_db


def _names(response):
    return [item.name for item in response.context["page"]]


def _queries(client, url):
    page_cache.clear()  # the cost of rendering the page, not of serving it from the page cache
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_query_count_does_not_grow_with_the_items_shown(client, construction_department):
    district = District.objects.create(code="990102", name="东城区")
    for _ in range(5):
        factories.item(construction_department, district=district)
    few = _queries(client, reverse("approvals:catalogue"))
    for _ in range(45):
        factories.item(construction_department, district=district)
    url = reverse("approvals:catalogue") + "?page=1"

    views.CATALOGUE_PAGE_SIZE, original = 50, views.CATALOGUE_PAGE_SIZE
    try:
        response = client.get(url)
        assert len(response.context["page"]) == 50
        many = _queries(client, url)
    finally:
        views.CATALOGUE_PAGE_SIZE = original
    assert many == few
    assert few <= 5


def test_it_searches_by_name_and_by_code(client, construction_department):
    factories.item(construction_department, code="ZJJ-XK-0777", name="建筑工程施工许可证核发")
    factories.item(construction_department, code="ZJJ-BA-0001", name="竣工验收备案")
    assert _names(client.get(reverse("approvals:catalogue"), {"q": "施工许可"})) == ["建筑工程施工许可证核发"]
    assert _names(client.get(reverse("approvals:catalogue"), {"q": "ba-0001"})) == ["竣工验收备案"]


def test_it_filters_by_department_district_kind_and_depth(client, construction_department, market_department):
    district = District.objects.create(code="990102", name="东城区")
    factories.item(construction_department, name="甲", depth=4)
    factories.item(market_department, name="乙", depth=3, kind=ServiceItem.Kind.FILING)
    factories.item(market_department, name="丙", depth=1, district=district)
    url = reverse("approvals:catalogue")
    assert _names(client.get(url, {"department": "scjg"})) == ["乙", "丙"]
    assert _names(client.get(url, {"district": "990102"})) == ["丙"]
    assert _names(client.get(url, {"district": "city"})) == ["甲", "乙"]
    assert _names(client.get(url, {"kind": "filing"})) == ["乙"]
    assert _names(client.get(url, {"depth": "4"})) == ["甲"]


def test_a_bad_filter_does_not_drop_the_search(client, construction_department):
    factories.item(construction_department, name="甲事项")
    factories.item(construction_department, name="乙事项")
    response = client.get(reverse("approvals:catalogue"), {"q": "甲", "depth": "9"})
    assert response.status_code == 200
    assert _names(response) == ["甲事项"]


def test_it_hides_inactive_items(client, construction_department):
    factories.item(construction_department, name="已取消事项", is_active=False)
    assert _names(client.get(reverse("approvals:catalogue"))) == []


def test_it_paginates(client, construction_department):
    for _ in range(25):
        factories.item(construction_department)
    first = client.get(reverse("approvals:catalogue"))
    second = client.get(reverse("approvals:catalogue"), {"page": 2})
    assert len(first.context["page"]) == 20
    assert len(second.context["page"]) == 5
    assert "page=2" in first.content.decode()


def test_the_guide_of_a_level_4_item_says_no_visit_and_offers_to_apply(client, permit_item):
    content = client.get(reverse("approvals:guide", args=[permit_item.code])).content.decode()
    assert reverse("approvals:apply", args=[permit_item.code]) in content
    assert "无需到大厅" in content
    assert "3 个工作日" in content and "15 个工作日" in content
    assert "材料1" in content
    assert "免费" in content


def test_the_guide_of_a_level_3_item_says_one_visit_to_collect(client, construction_department):
    item = factories.item(construction_department, depth=3)
    content = client.get(reverse("approvals:guide", args=[item.code])).content.decode()
    assert "到大厅一次领取结果" in content


def test_the_guide_of_an_offline_item_says_where_and_why(client, construction_department):
    item = factories.item(
        construction_department, depth=1, offline_reason="涉及国家秘密，不在网上办理。", place="市民中心三楼 12 号窗口"
    )
    content = client.get(reverse("approvals:guide", args=[item.code])).content.decode()
    assert reverse("approvals:apply", args=[item.code]) not in content
    assert "涉及国家秘密，不在网上办理。" in content
    assert "市民中心三楼 12 号窗口" in content


def test_an_unknown_item_is_404(client, db):
    assert client.get(reverse("approvals:guide", args=["NOPE-0"])).status_code == 404


def test_the_apply_page_of_an_offline_item_sends_back_to_the_guide(client, construction_department):
    item = factories.item(construction_department, depth=2)
    client.force_login(portal_factories.citizen())
    response = client.get(reverse("approvals:apply", args=[item.code]))
    assert response.status_code == 302
    assert response["Location"] == reverse("approvals:guide", args=[item.code])
