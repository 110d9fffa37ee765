"""The site as a whole: the home page in Chinese, language switch, deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_the_home_page_is_in_chinese_by_default(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="zh-hans">' in content
    assert "网上政务服务大厅" in content


@pytest.mark.django_db
def test_an_english_browser_still_gets_chinese_until_english_is_chosen(client):
    response = client.get(reverse("home"), headers={"accept-language": "en-US,en;q=0.9"})
    assert '<html lang="zh-hans">' in response.content.decode()
    assert response["Content-Language"] == "zh-hans"


@pytest.mark.django_db
def test_the_language_switch_shows_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    content = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in content
    assert "Online Government Service Hall" in content


@pytest.mark.django_db
def test_the_logout_link_is_a_post_form_with_csrf(client, citizen):
    client.force_login(citizen)
    content = client.get(reverse("home")).content.decode()
    assert f'action="{reverse("logout")}"' in content
    assert "csrfmiddlewaretoken" in content


def test_the_deploy_check_is_clean_with_debug_off(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x" * 60 + "-a-long-random-production-secret-key",
        "ALLOWED_HOSTS": "zwfw.example.gov.cn",
        "PORTAL_BASE_URL": "https://zwfw.example.gov.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "PERSONAL_DATA_HASH_KEY": "h" * 64,
        "SMS_BACKEND": "portal.sms.backends.gateway.SmsBackend",
        "SMS_GATEWAY_URL": "https://sms.example.gov.cn/send",
        "SMS_GATEWAY_TOKEN": "t" * 40,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr and "WARNINGS" not in result.stdout


def test_debug_off_without_a_secret_key_is_refused(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(DEBUG="0", DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
