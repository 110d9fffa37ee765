"""Validators for ID numbers, credit codes, mobile numbers and names, in both languages."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from portal.validators import (
    normalize_name,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
    validate_organization_name,
    validate_person_name,
)

VALID_ID_NUMBERS = [
    "110101199003071233",
    "320102198511120020",
    "11010519491231002x",  # a lower-case x is accepted and normalised
]


INVALID_ID_NUMBERS = [
    ("11010119900307123", "id_length"),
    ("1101011990030712333", "id_length"),
    ("11010119900307A233", "id_format"),
    ("110101199003071234", "id_checksum"),
    ("110101199002301236", "id_birth_date"),  # 30 February
    ("110101209901011239", "id_birth_date"),  # born in 2099
    ("110101180001011237", "id_birth_date"),  # born in 1800
    ("990101199003071237", "id_region"),  # no such region
]

VALID_CREDIT_CODES = ["91110000600037341L", "91320100MA1ABCDE5U", "Y1320100MA1ABCDE56", "12320100466000123A"]
INVALID_CREDIT_CODES = [
    ("91110000600037341", "uscc_length"),
    ("91110000600037341LL", "uscc_length"),
    ("91A10000600037341L", "uscc_format"),  # area code must be digits
    ("91110000600O37341L", "uscc_format"),  # the letter O is never used
    ("91110000600037341M", "uscc_checksum"),
]


def _code(validator, value):
    with pytest.raises(ValidationError) as info:
        validator(value)
    return info.value.code


@pytest.mark.parametrize("number", VALID_ID_NUMBERS)
def test_it_accepts_valid_id_numbers(number):
    validate_id_number(number)


@pytest.mark.parametrize(("number", "code"), INVALID_ID_NUMBERS)
def test_it_rejects_invalid_id_numbers_with_the_reason(number, code):
    assert _code(validate_id_number, number) == code


@pytest.mark.parametrize("code", VALID_CREDIT_CODES)
def test_it_accepts_valid_credit_codes(code):
    validate_credit_code(code)


@pytest.mark.parametrize(("value", "code"), INVALID_CREDIT_CODES)
def test_it_rejects_invalid_credit_codes_with_the_reason(value, code):
    assert _code(validate_credit_code, value) == code


@pytest.mark.parametrize("mobile", ["13800138000", "19912345678"])
def test_it_accepts_mainland_mobile_numbers(mobile):
    validate_mobile(mobile)


@pytest.mark.parametrize("mobile", ["12800138000", "1380013800", "138001380001", "+8613800138000", "1380013800a"])
def test_it_rejects_other_mobile_numbers(mobile):
    assert _code(validate_mobile, mobile) == "mobile_format"


def _message(validator, value):
    with pytest.raises(ValidationError) as info:
        validator(value)
    return info.value.messages[0]


def test_it_names_the_field_and_reason_in_chinese_by_default():
    with translation.override("zh-hans"):
        message = _message(validate_id_number, "110101199003071234")
    assert message.startswith("身份证号码")
    assert "校验码" in message


def test_it_names_the_field_and_reason_in_english_when_chosen():
    with translation.override("en"):
        message = _message(validate_credit_code, "91110000600037341M")
    assert message.startswith("Unified social credit code")
    assert "check character" in message


VALID_PERSON_NAMES = ["张三", "阿卜杜勒·买买提", "John Smith", "欧阳娜娜", "Jean-Pierre O'Neil", "𠈌丽"]
INVALID_PERSON_NAMES = [
    ("<script>alert(1)</script>", "name_characters"),
    ("张" * 440, "name_length"),
    ("张三3", "name_digits"),
    ("张三２", "name_digits"),  # a full-width digit too
    ("", "name_required"),
    ("   ", "name_required"),
    ("·张三", "name_characters"),
    ("张三@example.com", "name_characters"),
]
VALID_ORGANIZATION_NAMES = [
    "华夏建设工程有限公司",
    "杭州市第2建筑工程有限公司",
    "中建三局（杭州）有限公司",
    "OneWindow Technology (Hangzhou) Co., Ltd.",
    "阿卜杜勒·买买提餐饮店",
]
INVALID_ORGANIZATION_NAMES = [
    ("<b>华夏</b>", "name_characters"),
    ("华" * 201, "name_length"),
    ("", "name_required"),
    ("12345", "name_characters"),  # a name has letters
]


@pytest.mark.parametrize("name", VALID_PERSON_NAMES)
def test_it_accepts_real_person_names(name):
    validate_person_name(name)


@pytest.mark.parametrize(("name", "code"), INVALID_PERSON_NAMES)
def test_it_refuses_what_is_not_a_persons_name_with_the_reason(name, code):
    assert _code(validate_person_name, name) == code


@pytest.mark.parametrize("name", VALID_ORGANIZATION_NAMES)
def test_it_accepts_real_organization_names(name):
    validate_organization_name(name)


@pytest.mark.parametrize(("name", "code"), INVALID_ORGANIZATION_NAMES)
def test_it_refuses_what_is_not_an_organization_name_with_the_reason(name, code):
    assert _code(validate_organization_name, name) == code


@pytest.mark.parametrize("dot", ["·", "・", "•", "‧"])
def test_it_accepts_every_middle_dot_an_input_method_types_and_keeps_one(dot):
    validate_person_name(f"阿卜杜勒{dot}买买提")
    assert normalize_name(f" 阿卜杜勒{dot}买买提  ") == "阿卜杜勒·买买提"


def test_it_says_in_english_what_a_name_may_contain():
    with translation.override("en"):
        assert "Chinese characters, Latin letters, spaces and the middle dot" in _message(
            validate_person_name, "<script>"
        )
