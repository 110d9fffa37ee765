"""Registration, login with lock-out, logout, password change and reset, personal centre."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from portal.models import User
from portal.tests import factories

pytestmark = pytest.mark.django_db


def _citizen_form(**overrides):
    data = {
        "username": "wangwu",
        "real_name": "王五",
        "id_number": factories.id_number(),
        "mobile": "13700137000",
        "email": "wangwu@example.com",
        "password1": "a-Long-passphrase-42",
        "password2": "a-Long-passphrase-42",
    }
    data.update(overrides)
    return data


def _enterprise_form(**overrides):
    data = {
        "username": "tiangong",
        "organization_name": "天工建筑设计有限公司",
        "credit_code": factories.credit_code(),
        "real_name": "刘联系",
        "mobile": "13600136000",
        "email": "office@tiangong.example.com",
        "password1": "a-Long-passphrase-42",
        "password2": "a-Long-passphrase-42",
    }
    data.update(overrides)
    return data


def test_it_registers_a_citizen_and_logs_them_in(client):
    response = client.post(reverse("register_citizen"), _citizen_form(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("me")
    user = User.objects.get(username="wangwu")
    assert user.kind == User.Kind.CITIZEN
    assert response.context["user"] == user


def test_it_registers_an_enterprise(client):
    data = _enterprise_form()
    client.post(reverse("register_enterprise"), data)
    user = User.objects.get(username="tiangong")
    assert user.kind == User.Kind.ENTERPRISE
    assert user.credit_code == data["credit_code"]
    assert user.display_name == "天工建筑设计有限公司"


def test_it_normalises_a_lower_case_check_character(client):
    number = "11010519491231002X"
    client.post(reverse("register_citizen"), _citizen_form(id_number=number.lower()))
    assert User.objects.get(username="wangwu").id_number == number


def test_it_keeps_what_was_typed_and_explains_the_error_in_chinese(client):
    data = _citizen_form(id_number="110101199003071234")
    response = client.post(reverse("register_citizen"), data)
    assert response.status_code == 200
    assert not User.objects.filter(username="wangwu").exists()
    content = response.content.decode()
    assert "身份证号码：校验码不符" in content
    assert 'value="王五"' in content
    assert 'value="110101199003071234"' in content


def test_it_explains_the_error_in_english_when_english_was_chosen(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.post(reverse("register_enterprise"), _enterprise_form(credit_code="91110000600037341M"))
    assert "Unified social credit code: the check character does not match" in response.content.decode()


def test_an_id_number_that_already_has_an_account_gets_no_second_one(client, citizen):
    # The form does not say so (test_takeover.py): it leads to the code page, like a hall account.
    response = client.post(reverse("register_citizen"), _citizen_form(id_number=citizen.id_number))
    assert response["Location"] == reverse("register_verify")
    assert User.objects.filter(id_number=citizen.id_number).count() == 1
    assert not User.objects.filter(username="wangwu").exists()


def test_it_logs_in_and_out(client, citizen):
    response = client.post(reverse("login"), {"username": "alice", "password": factories.PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("me")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("me")).status_code == 302


def test_it_locks_the_login_after_repeated_failures_with_a_clear_message(client, citizen, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 429
    content = response.content.decode()
    assert "登录已暂时锁定" in content
    assert "15 分钟后再试" in content
    # Even the right password is refused while locked.
    response = client.post(reverse("login"), {"username": "alice", "password": factories.PASSWORD})
    assert response.status_code == 429


def test_the_lock_out_protects_the_admin_login_too(client, clerk, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("admin:login"), {"username": "clerk", "password": "wrong"})
    assert response.status_code == 429


def test_it_changes_the_password(client, citizen):
    client.force_login(citizen)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": factories.PASSWORD,
            "new_password1": "another-Long-phrase-7",
            "new_password2": "another-Long-phrase-7",
        },
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password("another-Long-phrase-7")


def test_it_resets_the_password_by_email_with_a_link_on_the_public_address(client, citizen, settings):
    settings.PORTAL_BASE_URL = "https://zwfw.example.gov.cn"
    client.post(reverse("password_reset"), {"email": citizen.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https://zwfw\.example\.gov\.cn(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "reset-Long-phrase-9", "new_password2": "reset-Long-phrase-9"})
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password("reset-Long-phrase-9")


def test_the_personal_centre_needs_a_login(client):
    response = client.get(reverse("me"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_personal_centre_masks_the_id_number_and_mobile(client, citizen):
    client.force_login(citizen)
    content = client.get(reverse("me")).content.decode()
    assert citizen.id_number not in content
    assert citizen.masked_id_number in content
    assert "138****5678" in content
    assert "13812345678" not in content


def _choose_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})


def test_an_invalid_id_number_shows_one_message_and_no_false_required(client):
    response = client.post(reverse("register_citizen"), _citizen_form(id_number="110101199003071234"))
    errors = response.context["form"].errors.as_data()
    assert [e.code for e in errors["id_number"]] == ["id_checksum"]
    assert "身份证号码：个人账号必须填写。" not in response.content.decode()


def test_a_missing_credit_code_shows_one_message(client):
    _choose_english(client)
    response = client.post(reverse("register_enterprise"), _enterprise_form(credit_code=""))
    assert [str(m) for m in response.context["form"].errors["credit_code"]] == [
        "Unified social credit code: please fill this in."
    ]


def test_a_name_too_long_is_refused_in_plain_words_and_not_cut_by_the_browser(client):
    page = client.get(reverse("register_citizen")).content.decode()
    assert re.search(r'<input[^>]*name="real_name"[^>]*maxlength', page) is None
    assert "确保" not in client.post(reverse("register_citizen"), _citizen_form(real_name="张" * 440)).content.decode()
    _choose_english(client)
    response = client.post(reverse("register_citizen"), _citizen_form(real_name="张" * 440))
    assert response.context["form"].errors["real_name"] == ["Real name: at most 50 characters; you entered 440."]
    assert not User.objects.filter(username="wangwu").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("real_name", "<script>alert(1)</script>"), ("real_name", "王五5"), ("real_name", "")],
)
def test_a_citizen_name_that_is_not_a_name_is_refused(client, field, value):
    response = client.post(reverse("register_citizen"), _citizen_form(**{field: value}))
    assert len(response.context["form"].errors[field]) == 1
    assert not User.objects.filter(username="wangwu").exists()


def test_an_enterprise_name_with_markup_is_refused_and_brackets_are_accepted(client):
    response = client.post(reverse("register_enterprise"), _enterprise_form(organization_name="<b>天工</b>"))
    assert list(response.context["form"].errors) == ["organization_name"]
    client.post(reverse("register_enterprise"), _enterprise_form(organization_name="天工建筑设计（杭州）有限公司"))
    assert User.objects.get(username="tiangong").organization_name == "天工建筑设计（杭州）有限公司"


def test_a_transliterated_name_is_kept_with_one_kind_of_middle_dot(client):
    client.post(reverse("register_citizen"), _citizen_form(real_name="阿卜杜勒・买买提"))
    assert User.objects.get(username="wangwu").real_name == "阿卜杜勒·买买提"


def test_registration_errors_use_no_stock_django_wording(client, citizen):
    data = _citizen_form(username=citizen.username, email="not-an-email", password2="something-else-42")
    _choose_english(client)
    response = client.post(reverse("register_citizen"), data)
    errors = {name: [str(m) for m in messages] for name, messages in response.context["form"].errors.items()}
    assert errors["username"] == ["Username: already taken; please choose another one."]
    assert errors["email"] == ["Email address: not an e-mail address; it looks like name@example.com."]
    assert errors["password2"] == ["The two passwords are not the same; please type the password again."]
