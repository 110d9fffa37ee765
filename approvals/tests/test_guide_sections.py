"""Sections other apps add to an item's guide page (approvals/guide_sections.py)."""

import pytest
from django.urls import reverse

from approvals import guide_sections


@pytest.fixture
def only_test_sections(monkeypatch, settings):
    """Start from no registered section, with two test templates the sections render."""
    monkeypatch.setattr(guide_sections._registry, "_sections", {})
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "APP_DIRS": False,
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {
                            "test/first.html": "<p>FIRST {{ section.code }}</p>",
                            "test/second.html": "<p>SECOND {{ section.word }}</p>",
                        },
                    ),
                    "django.template.loaders.filesystem.Loader",
                    "django.template.loaders.app_directories.Loader",
                ],
            },
        }
    ]


def test_it_renders_the_registered_sections_in_their_order(client, permit_item, only_test_sections):
    guide_sections.register("second", order=20, template="test/second.html", context=lambda r, i: {"word": "two"})
    guide_sections.register("first", order=10, template="test/first.html", context=lambda r, i: {"code": i.code})

    content = client.get(reverse("approvals:guide", args=[permit_item.code])).content.decode()

    assert f"<p>FIRST {permit_item.code}</p>" in content
    assert content.index("FIRST") < content.index("SECOND two")


def test_it_gives_a_section_the_request_and_the_item(client, permit_item, only_test_sections):
    seen = []
    guide_sections.register(
        "probe", order=10, template="test/second.html", context=lambda r, i: seen.append((r.path, i)) or {}
    )

    client.get(reverse("approvals:guide", args=[permit_item.code]))

    assert seen == [(reverse("approvals:guide", args=[permit_item.code]), permit_item)]


def test_it_renders_the_guide_without_any_section(client, permit_item, only_test_sections):
    response = client.get(reverse("approvals:guide", args=[permit_item.code]))

    assert response.status_code == 200
    assert response.context["sections"] == []


def test_a_section_registered_again_replaces_the_first(only_test_sections):
    guide_sections.register("same", order=10, template="test/first.html", context=dict)
    guide_sections.register("same", order=5, template="test/second.html", context=dict)

    assert [s.template for s in guide_sections.sections()] == ["test/second.html"]


def test_a_watched_section_is_rendered_once_until_a_watched_row_changes(client, permit_item, only_test_sections):
    from portal.models import Department  # noqa: PLC0415 - any model does for the watch

    calls = []
    guide_sections.register(
        "held",
        order=10,
        template="test/first.html",
        context=lambda r, i: calls.append(i.code) or {"code": i.code},
        watch=(Department,),
    )
    guide = reverse("approvals:guide", args=[permit_item.code])

    assert f"<p>FIRST {permit_item.code}</p>" in client.get(guide).content.decode()
    assert f"<p>FIRST {permit_item.code}</p>" in client.get(guide).content.decode()
    assert calls == [permit_item.code]

    permit_item.department.save()
    client.get(guide)
    assert calls == [permit_item.code, permit_item.code]


def test_a_watched_section_is_rendered_afresh_for_a_signed_in_person(client, citizen, permit_item, only_test_sections):
    from portal.models import Department  # noqa: PLC0415 - any model does for the watch

    calls = []
    guide_sections.register(
        "held", order=10, template="test/first.html", context=lambda r, i: calls.append(1) or {}, watch=(Department,)
    )
    client.force_login(citizen)
    guide = reverse("approvals:guide", args=[permit_item.code])

    client.get(guide)
    client.get(guide)

    assert calls == [1, 1]
