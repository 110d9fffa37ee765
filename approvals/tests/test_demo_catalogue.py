"""The demo catalogue that seed_demo loads: size, depth mix, the construction chain."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from approvals.demo import demo_items
from approvals.models import ServiceItem, ServiceMaterial
from approvals.schema import validate_schema
from portal.management.commands.seed_demo import DEPARTMENTS, DISTRICTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def test_it_loads_at_least_180_items_over_22_departments(seeded):
    assert ServiceItem.objects.count() >= 180
    assert ServiceItem.objects.values("department").distinct().count() == 22


def test_the_depth_mix_is_like_the_citys(seeded):
    total = ServiceItem.objects.count()
    at_least_3 = ServiceItem.objects.filter(online_depth__gte=3).count() / total
    level_4 = ServiceItem.objects.filter(online_depth=4).count() / total
    assert ServiceItem.objects.filter(online_depth__lt=1).count() == 0
    assert 0.55 <= at_least_3 <= 0.65
    assert 0.17 <= level_4 <= 0.23


def test_offline_items_say_why_and_cannot_be_applied_for(seeded):
    offline = ServiceItem.objects.exclude(offline_reason="")
    assert 3 <= offline.count() <= 10
    assert all(item.online_depth <= 2 and not item.can_apply_online for item in offline)


def test_the_construction_permit_mirrors_the_city(seeded):
    permit = ServiceItem.objects.get(name="建筑工程施工许可证核发", district__isnull=True)
    assert (permit.statutory_days, permit.promised_days, permit.online_depth) == (15, 3, 4)
    keys = {field["key"] for field in permit.extra_fields}
    assert {"parcel_no", "floor_area"} <= keys
    chain = ["建筑业企业资质核准", "建设工程规划许可证核发", "建设工程消防验收"]
    chain.append("房屋建筑和市政基础设施工程竣工验收备案")
    for name in chain:
        assert ServiceItem.objects.filter(name=name).exists(), name


def test_every_item_validates_and_has_a_required_material(seeded):
    for item in ServiceItem.objects.prefetch_related("materials"):
        item.full_clean()
        assert any(material.required for material in item.materials.all()), item.code


def test_a_second_run_changes_no_counts(seeded):
    before = ServiceItem.objects.count(), ServiceMaterial.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert (ServiceItem.objects.count(), ServiceMaterial.objects.count()) == before


def test_the_data_file_passes_the_catalogues_own_rules():
    items = demo_items()
    assert len({item["code"] for item in items}) == len(items)
    departments, districts = {d[0] for d in DEPARTMENTS}, {d[0] for d in DISTRICTS}
    for item in items:
        validate_schema(item["fields"])
        assert 1 <= item["promised_days"] <= item["statutory_days"], item["code"]
        assert item["depth"] in (1, 2, 3, 4), item["code"]
        assert not item["offline_reason"] or item["depth"] <= 2, item["code"]
        assert item["department"] in departments and item["district"] in districts | {None}, item["code"]
        assert Decimal(item["fee"]) >= 0, item["code"]
        names = [material["name"] for material in item["materials"]]
        assert len(set(names)) == len(names), item["code"]
