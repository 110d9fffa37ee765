"""The public pages' fragment cache (portal/page_cache.py) and the navigation reversed once per process."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.tests import factories
from portal import context_processors, page_cache

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("approvals:catalogue")


@pytest.fixture(autouse=True)
def _empty_page_cache():
    page_cache.clear()
    yield
    page_cache.clear()


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_it_serves_the_catalogue_again_with_no_query(client, permit_item):
    assert _queries(client, CATALOGUE) > 0
    assert _queries(client, CATALOGUE) == 0


def test_it_shows_a_catalogue_edit_at_once(client, permit_item):
    client.get(CATALOGUE)
    client.get(reverse("approvals:guide", args=[permit_item.code]))
    permit_item.name = "建筑工程施工许可证核发（新）"
    permit_item.save()
    assert "建筑工程施工许可证核发（新）" in client.get(CATALOGUE).content.decode()
    guide = reverse("approvals:guide", args=[permit_item.code])
    assert "建筑工程施工许可证核发（新）" in client.get(guide).content.decode()


def test_it_serves_the_guide_again_with_no_catalogue_query(client, permit_item):
    guide = reverse("approvals:guide", args=[permit_item.code])
    client.get(guide)
    with CaptureQueriesContext(connection) as context:
        client.get(guide)
    assert not [q for q in context.captured_queries if "approvals_service" in q["sql"]]


def test_it_serves_an_anonymous_guide_again_with_no_query(client, permit_item):
    guide = reverse("approvals:guide", args=[permit_item.code])
    assert _queries(client, guide) > 0
    assert _queries(client, guide) == 0


def test_it_reads_every_version_of_the_guide_in_one_round_trip(client, permit_item, monkeypatch):
    guide = reverse("approvals:guide", args=[permit_item.code])
    client.get(guide)
    reads, alone, inside = [], [], []
    get_many, get = page_cache.cache.get_many, page_cache.cache.get

    def counted_get_many(keys, *args, **kwargs):
        reads.append(sorted(keys))
        inside.append(True)  # the local-memory cache reads many keys one by one
        try:
            return get_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    def counted_get(key, *args, **kwargs):
        if not inside:
            alone.append(key)
        return get(key, *args, **kwargs)

    monkeypatch.setattr(page_cache.cache, "get_many", counted_get_many)
    monkeypatch.setattr(page_cache.cache, "get", counted_get)

    client.get(guide)

    versions = ["portal:catalogue-version", "portal:version:section:guide:appointments"]
    assert reads == [sorted([*versions, "portal:version:section:guide:questions"])]
    assert not [key for key in alone if "version" in key]


def test_it_shows_a_deleted_material_gone_at_once(client, construction_department):
    item = factories.item(construction_department, materials=2)
    guide = reverse("approvals:guide", args=[item.code])
    material = item.materials.first()
    assert material.name in client.get(guide).content.decode()
    material.delete()
    assert material.name not in client.get(guide).content.decode()


def test_it_bumps_the_version_at_once_and_again_on_commit(permit_item, django_capture_on_commit_callbacks):
    before = page_cache.version()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        permit_item.save()
        during = page_cache.version()
    assert len({before, during, page_cache.version()}) == 3


def test_it_never_keeps_a_page_rendered_before_the_commit(client, permit_item, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        permit_item.name = "尚未提交的名称"
        permit_item.save()
        # Another request renders now: in production it would still read the old rows.
        client.get(CATALOGUE)
    assert _queries(client, CATALOGUE) > 0, "the fragment rendered before the commit was served after it"


def test_it_keys_the_catalogue_on_its_filters_alone(client, permit_item):
    client.get(CATALOGUE + "?kind=permit&utm_source=weibo&q=%20施工%20")
    assert _queries(client, CATALOGUE + "?q=施工&from=wechat&kind=permit") == 0
    assert _queries(client, CATALOGUE + "?q=施工&kind=permit&page=2") > 0


def test_it_sorts_repeated_values_in_the_key(client, permit_item):
    client.get(CATALOGUE + "?q=b&q=a")
    assert _queries(client, CATALOGUE + "?q=a&q=b") == 0


def test_it_links_the_next_page_without_unknown_parameters(client, construction_department):
    for _ in range(21):
        factories.item(construction_department)
    content = client.get(CATALOGUE + "?utm_source=weibo&kind=permit").content.decode()
    pagination = content.split('class="pagination')[1]
    assert "?kind=permit&amp;page=2" in pagination
    assert "utm_source" not in pagination


def test_it_renders_a_signed_in_persons_page_afresh(client, citizen, permit_item):
    client.force_login(citizen)
    client.get(CATALOGUE)
    client.get(reverse("home"))
    assert page_cache._fragments == {}


def test_it_keeps_the_login_buttons_out_of_the_cached_home(client, citizen):
    assert reverse("register") in client.get(reverse("home")).content.decode()
    client.force_login(citizen)
    page_cache.clear()
    client.get(reverse("home"))  # rendered afresh and not stored
    client.logout()
    assert reverse("register") in client.get(reverse("home")).content.decode()


def test_it_keeps_csrf_tokens_out_of_the_fragments(client, permit_item):
    client.get(reverse("home"))
    client.get(CATALOGUE)
    client.get(reverse("approvals:guide", args=[permit_item.code]))
    track = client.get(reverse("approvals:track")).content.decode()
    assert "csrfmiddlewaretoken" in track
    html = [value for _, value in page_cache._fragments.values() if isinstance(value, str)]
    assert len(html) == 7  # home, catalogue, the guide's body, side and two sections, the tracking form
    assert not any("csrfmiddlewaretoken" in fragment for fragment in html)


def test_it_keeps_one_fragment_per_language(client):
    client.get(reverse("approvals:track"))
    client.cookies["django_language"] = "en"
    assert "Reference number" in client.get(reverse("approvals:track")).content.decode()
    assert len(page_cache._fragments) == 2


def test_it_forgets_the_least_recently_used_fragment(client, permit_item, monkeypatch):
    monkeypatch.setattr(page_cache, "MAX_ENTRIES", 2)
    client.get(CATALOGUE + "?q=a")
    client.get(CATALOGUE + "?q=b")
    client.get(CATALOGUE + "?q=a")
    client.get(CATALOGUE + "?q=c")
    assert _queries(client, CATALOGUE + "?q=a") == 0
    assert _queries(client, CATALOGUE + "?q=b") > 0


def test_it_reverses_the_navigation_once_per_process(client, monkeypatch):
    client.get(reverse("home"))

    def no_reverse(*args, **kwargs):
        raise AssertionError("reversed again")

    monkeypatch.setattr(context_processors, "reverse", no_reverse)
    content = client.get(reverse("approvals:catalogue")).content.decode()
    assert f'href="{reverse("consultations:index")}"' in content


def test_it_shows_every_navigation_entry(client):
    urls = [entry["url"] for entry in client.get(reverse("home")).context["navigation"]]
    assert len(urls) == len(context_processors.NAVIGATION)


class _Unreachable:
    """A shared cache whose server is down: every call raises, as the Redis backend does."""

    def __getattr__(self, name):
        def call(*args, **kwargs):
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

        return call


def test_while_the_shared_cache_is_down_pages_are_served_whole_and_edits_saved(client, permit_item, monkeypatch):
    client.get(CATALOGUE)  # a fragment held from before the outage
    monkeypatch.setattr(page_cache, "cache", _Unreachable())
    permit_item.name = "建筑工程施工许可证核发（新）"
    permit_item.save()  # the failed bump does not undo the edit
    response = client.get(CATALOGUE)
    assert response.status_code == 200 and "建筑工程施工许可证核发（新）" in response.content.decode()
    assert _queries(client, CATALOGUE) > 0  # rendered whole: nothing stored while the cache is down
    guide = client.get(reverse("approvals:guide", args=[permit_item.code]))
    assert guide.status_code == 200 and "建筑工程施工许可证核发（新）" in guide.content.decode()
    monkeypatch.undo()  # the cache answers again, still holding the version from before the edit
    assert "建筑工程施工许可证核发（新）" in client.get(CATALOGUE).content.decode()
