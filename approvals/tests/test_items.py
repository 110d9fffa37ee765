"""Validation of service items and their materials: time limits, depth, the extra-field schema, sizes."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from approvals.models import ServiceItem, ServiceMaterial
from approvals.schema import validate_schema
from approvals.tests import factories

pytestmark = pytest.mark.django_db


def _item(department, **fields):
    values = {
        "code": "ZJJ-XK-0100",
        "name": "测试事项",
        "department": department,
        "kind": "permit",
        "statutory_days": 20,
        "promised_days": 5,
        "online_depth": 3,
    }
    values.update(fields)
    return ServiceItem(**values)


def test_it_accepts_a_promised_limit_within_the_statutory_one(construction_department):
    _item(construction_department, promised_days=20).full_clean()


def test_it_refuses_a_promised_limit_longer_than_the_statutory_one(construction_department):
    with pytest.raises(ValidationError) as info:
        _item(construction_department, promised_days=21).full_clean()
    assert "promised_days" in info.value.message_dict


def test_the_database_refuses_it_too(construction_department):
    with pytest.raises(IntegrityError), transaction.atomic():
        _item(construction_department, promised_days=21).save()


def test_an_offline_only_item_cannot_be_above_level_2(construction_department):
    with pytest.raises(ValidationError) as info:
        _item(construction_department, offline_reason="涉及国家秘密", online_depth=3).full_clean()
    assert "online_depth" in info.value.message_dict


@pytest.mark.parametrize("depth", [0, 5])
def test_depth_is_1_to_4(construction_department, depth):
    with pytest.raises(ValidationError):
        _item(construction_department, online_depth=depth).full_clean()


def test_a_valid_schema_passes():
    validate_schema(factories.CONSTRUCTION_FIELDS)


BAD_SCHEMAS = [
    ({"key": "a"}, "must be a list"),
    ([{"key": "Area", "label": "面积", "type": "number"}], "key"),
    ([{"key": "area", "label": "", "type": "number"}], "label"),
    ([{"key": "area", "label": "面积", "type": "float"}], "type"),
    ([{"key": "kind", "label": "类型", "type": "choice"}], "choice"),
    ([{"key": "kind", "label": "类型", "type": "choice", "choices": ["甲", "甲"]}], "choice"),
    ([{"key": "area", "label": "面积", "type": "number", "choices": ["1"]}], "only a choice"),
    ([{"key": "a", "label": "甲", "type": "text"}, {"key": "a", "label": "乙", "type": "text"}], "twice"),
    ([{"key": "a", "label": "甲", "type": "text", "colour": "red"}], "unknown"),
]


@pytest.mark.parametrize(("schema", "reason"), BAD_SCHEMAS, ids=[r for _, r in BAD_SCHEMAS])
def test_a_bad_schema_is_refused_with_the_reason(schema, reason):
    with translation.override("en"):
        with pytest.raises(ValidationError) as info:
            validate_schema(schema)
        assert reason in " ".join(info.value.messages)


def test_it_lists_every_schema_problem_at_once():
    bad = [{"key": "A", "label": "", "type": "x"}]
    with pytest.raises(ValidationError) as info:
        validate_schema(bad)
    assert len(info.value.messages) == 3


def _admin_form(**fields):
    """Return the POST data of the service item admin form, with no material rows."""
    data = {
        "name": "测试事项",
        "kind": "permit",
        "is_active": "on",
        "statutory_days": 20,
        "promised_days": 5,
        "extension_days": 0,
        "fee": "0",
        "online_depth": 3,
        "materials-TOTAL_FORMS": 0,
        "materials-INITIAL_FORMS": 0,
    }
    data.update(fields)
    return data


def test_an_item_with_a_bad_schema_cannot_be_saved_in_the_admin(administrator, construction_department, client):
    client.force_login(administrator)
    data = _admin_form(
        code="ZJJ-XK-0200",
        department=construction_department.pk,
        extra_fields='[{"key": "Bad Key", "label": "面积", "type": "number"}]',
    )
    response = client.post(reverse("admin:approvals_serviceitem_add"), data)
    assert response.status_code == 200
    assert not ServiceItem.objects.filter(code="ZJJ-XK-0200").exists()
    data["extra_fields"] = '[{"key": "area", "label": "面积", "type": "number", "required": true}]'
    response = client.post(reverse("admin:approvals_serviceitem_add"), data)
    assert response.status_code == 302
    assert ServiceItem.objects.get(code="ZJJ-XK-0200").extra_fields[0]["key"] == "area"


def test_a_material_accepts_only_known_formats(permit_item):
    with pytest.raises(ValidationError):
        ServiceMaterial(item=permit_item, name="图纸", formats="pdf,dwg").full_clean()


def test_emptying_the_schema_in_the_admin_saves_no_fields(client, administrator, permit_item):
    client.force_login(administrator)
    url = reverse("admin:approvals_serviceitem_change", args=[permit_item.pk])
    data = _admin_form(
        code=permit_item.code,
        name=permit_item.name,
        department=permit_item.department_id,
        statutory_days=15,
        promised_days=3,
        online_depth=4,
        extra_fields="",
    )
    response = client.post(url, data)
    assert response.status_code == 302
    permit_item.refresh_from_db()
    assert permit_item.extra_fields == []


def test_a_material_cannot_allow_more_than_the_portal_limit(permit_item, settings):
    material = ServiceMaterial(item=permit_item, name="大图纸", formats="pdf", max_size_mb=settings.UPLOAD_MAX_MB + 1)
    with pytest.raises(ValidationError) as info:
        material.full_clean()
    assert list(info.value.message_dict) == ["max_size_mb"]
