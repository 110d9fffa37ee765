"""seed_demo loads the demo data once, however often it runs.

The city at work (a few hundred applications and print jobs) is tested in
approvals/tests/test_demo_work.py; here its loaders are left out to keep these tests fast.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal import demo, roles
from portal.models import Department, District, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _without_the_city_at_work(monkeypatch):
    for name in ("applications", "printing"):
        monkeypatch.delitem(demo._loaders, name)


def _counts():
    return (Department.objects.count(), District.objects.count(), User.objects.count(), Group.objects.count())


def test_it_is_idempotent(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first
    assert first[0] == 22
    assert first[1] >= 4


def test_it_creates_one_account_per_role_and_prints_them(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    for role in roles.ALL_ROLES:
        assert User.objects.filter(groups__name=role).exists(), role
    for username in (
        "zhangsan",
        "huaxia",
        "clerk",
        "reviewer_zjj",
        "reviewer_scjg",
        "consultant_zjj",
        "consultant_scjg",
        "printer",
        "supervisor",
        "admin",
        "security",
        "auditor",
    ):
        assert username in out
    assert "OneWindow-2026" in out
    assert User.objects.get(username="reviewer_zjj").department.code == "zjj"
    assert User.objects.get(username="reviewer_scjg").department.code != "zjj"
    assert User.objects.get(username="zhangsan").check_password("OneWindow-2026")


def test_it_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_it_runs_with_debug_off_when_forced(settings, capsys):
    settings.DEBUG = False
    call_command("seed_demo", "--force")
    assert User.objects.filter(username="clerk").exists()


def test_it_prints_nothing_at_verbosity_zero(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    assert capsys.readouterr().out == ""
    assert User.objects.filter(username="clerk").exists()


def test_with_debug_on_each_demo_staff_account_gets_the_known_demo_second_factor(settings, capsys, client):
    from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: PLC0415

    from portal.management.commands.seed_demo import DEMO_TOTP_SECRET, demo_recovery_code  # noqa: PLC0415
    from portal.tests.factories import totp_code  # noqa: PLC0415

    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent: still one authenticator per account
    out = capsys.readouterr().out
    assert DEMO_TOTP_SECRET in out and demo_recovery_code("reviewer_scjg") in out
    staff = User.objects.filter(is_staff=True)
    assert TOTPDevice.objects.filter(user__in=staff, confirmed=True).count() == staff.count() == 10
    assert not TOTPDevice.objects.filter(user__is_staff=False).exists()
    client.post(reverse("login"), {"username": "reviewer_zjj", "password": "OneWindow-2026"})
    device = TOTPDevice.objects.get(user__username="reviewer_zjj")
    assert client.post(reverse("two_factor:verify"), {"code": totp_code(device)}).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "clerk", "password": "OneWindow-2026"})
    assert client.post(reverse("two_factor:verify"), {"code": demo_recovery_code("clerk")}).status_code == 302


def test_with_debug_off_no_demo_secret_is_given_nor_kept(settings, capsys):
    from django_otp.plugins.otp_static.models import StaticToken  # noqa: PLC0415
    from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: PLC0415

    from portal.management.commands.seed_demo import DEMO_TOTP_SECRET  # noqa: PLC0415

    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    settings.DEBUG = False
    call_command("seed_demo", "--force")
    assert DEMO_TOTP_SECRET not in capsys.readouterr().out
    assert not TOTPDevice.objects.exists()
    assert not StaticToken.objects.exists()


def test_it_gives_every_staff_account_its_own_staff_number_and_prints_it(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    staff = User.objects.filter(is_staff=True)
    numbers = list(staff.values_list("staff_number", flat=True))
    assert all(numbers) and len(set(numbers)) == len(numbers) == 10
    assert "CK0101" in out
    assert User.objects.get(username="consultant_zjj").staff_number == "ZJ0107"
    assert User.objects.get(username="consultant_scjg").department.code == "scjg"
    assert User.objects.get(username="consultant_scjg").groups.filter(name=roles.CONSULTANT).exists()
