"""base.html's held layout: the parts the same for everybody are rendered once per process and language.

The head's links, the menu (per current entry), the log-in links, the language buttons and the footer
are {% held %} parts (portal/templatetags/layout.py: per process); the CSRF token,
the language form's return path, the signed-in name and the messages are rendered on every request.
"""

import re

import pytest
from django.template import Context, Template
from django.templatetags import static
from django.urls import reverse

from portal.templatetags import layout

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _held() -> list[str]:
    """Return the HTML of every part the process holds."""
    return list(layout.held_parts().values())


def test_the_layout_is_rendered_once_per_process(client, monkeypatch):
    client.get(reverse("home"))

    def no_static(*args, **kwargs):
        raise AssertionError("static files looked up again")

    monkeypatch.setattr(static.StaticNode, "handle_simple", no_static)
    content = client.get(reverse("approvals:track")).content.decode()
    assert "bootstrap.min.css" in content and "bootstrap.bundle.min.js" in content


def test_held_parts_hold_no_csrf_token_path_or_name(client, citizen):
    client.get(reverse("home") + "?next=/secret-path/")
    client.force_login(citizen)
    client.get(reverse("approvals:catalogue") + "?q=secret-query")
    held = _held()
    assert len(held) == 6  # head, menu under two entries, log-in links, language buttons, footer
    for fragment in held:
        assert "csrfmiddlewaretoken" not in fragment
        assert "secret-path" not in fragment and "secret-query" not in fragment
        assert citizen.real_name not in fragment and citizen.username not in fragment


def test_each_visitor_gets_their_own_csrf_token_and_return_path(client):
    first = client.get(reverse("approvals:catalogue") + "?q=one").content.decode()
    client.cookies.clear()
    second = client.get(reverse("approvals:catalogue") + "?q=two").content.decode()
    assert CSRF.search(first).group(1) != CSRF.search(second).group(1)
    assert 'name="next" type="hidden" value="/services/?q=one"' in first
    assert 'name="next" type="hidden" value="/services/?q=two"' in second


def test_the_menu_marks_the_current_page_whatever_was_held_before(client):
    catalogue, track = reverse("approvals:catalogue"), reverse("approvals:track")
    client.get(catalogue)
    content = client.get(track).content.decode()
    assert f'class="nav-link active" href="{track}"' in content
    assert f'class="nav-link active" href="{catalogue}"' not in content
    assert "nav-link active" not in client.get(reverse("home")).content.decode()


def test_the_layout_follows_the_language(client):
    assert "登录" in client.get(reverse("home")).content.decode()
    client.cookies["django_language"] = "en"
    content = client.get(reverse("home")).content.decode()
    assert "Log in" in content and "登录" not in content
    assert 'class="btn btn-light">English' in content


def test_a_signed_in_person_sees_their_name_and_no_log_in_link(client, citizen):
    client.get(reverse("home"))  # the guest's links are held
    client.force_login(citizen)
    content = client.get(reverse("home")).content.decode()
    assert (citizen.display_name or citizen.username) in content
    assert f'href="{reverse("login")}"' not in content
    assert content.count("csrfmiddlewaretoken") == 2  # the log-out and the language forms


def test_a_held_part_is_kept_per_combination_of_its_values_and_bounded(monkeypatch):
    part = Template("{% load layout %}{% held greeting language %}{{ language }} {{ name }}{% endheld %}")
    assert part.render(Context({"language": "zh-hans", "name": "first"})) == "zh-hans first"
    assert part.render(Context({"language": "zh-hans", "name": "second"})) == "zh-hans first"  # held
    assert part.render(Context({"language": "en", "name": "second"})) == "en second"
    assert set(layout.held_parts()) == {("greeting", "zh-hans"), ("greeting", "en")}

    monkeypatch.setattr(layout, "MAX_PARTS", 2)
    part.render(Context({"language": "fr", "name": "third"}))
    assert set(layout.held_parts()) == {("greeting", "fr")}  # full: dropped and started again
