"""seed_demo loads the demo data once, however often it runs.

The city at work (a few hundred applications and print jobs) is tested in
approvals/tests/test_demo_work.py; here its loaders are left out to keep these tests fast.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

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
