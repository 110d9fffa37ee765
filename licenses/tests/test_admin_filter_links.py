"""Every filter link of every admin list still opens, for every role, on the seeded demo city.

The lists accept only their own filters' lookups (portal.admin_lookups); this crawl proves the
allow-list covers the links the admin itself offers: list filters, drop-downs, dates, and the
work queues of the home page.
The allow-list decides on parameter names, not values, so each list is opened once per
distinct set of names among its links (every link would be ~1,500 requests on the demo).
"""

import re
from html import unescape
from urllib.parse import parse_qsl

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.urls import reverse

from approvals.tests.demo_seeded import seeded  # noqa: F401 - the fixture below
from portal.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

DEMO_STAFF = ["clerk", "reviewer_zjj", "printer", "supervisor", "admin", "security", "auditor"]


def _filter_links(response) -> set[str]:
    """Return the query strings of the list's filter choices and date-hierarchy links."""
    changelist = response.context["cl"]
    links = {choice["query_string"] for spec in changelist.filter_specs for choice in spec.choices(changelist)}
    if changelist.date_hierarchy:
        dates = date_hierarchy(changelist)
        links |= {choice["link"] for choice in dates.get("choices", [])}
        if dates.get("back"):
            links.add(dates["back"]["link"])
    return links


def _one_per_parameter_set(links: set[str]) -> list[str]:
    chosen = {}
    for link in sorted(links):
        chosen.setdefault(frozenset(key for key, _value in parse_qsl(link.lstrip("?"))), link)
    return list(chosen.values())


def test_every_filter_link_of_every_list_opens_for_every_role(client):
    users = [User.objects.get(username=name) for name in DEMO_STAFF]
    users.append(User.objects.create_superuser("root", "", "x"))
    lists, links, queues, broken = 0, 0, 0, []
    for user in users:
        client.force_login(user)
        home = client.get(reverse("admin:index")).content.decode()
        for queue in {unescape(href) for href in re.findall(r'href="(/admin/[^"]*\?[^"]*)"', home)}:
            queues += 1
            status = client.get(queue).status_code
            if status != 200:
                broken.append((user.username, queue, status))
        for model in admin.site._registry:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            response = client.get(url)
            if response.status_code != 200:
                continue  # not this role's list
            lists += 1
            for link in _one_per_parameter_set(_filter_links(response)):
                links += 1
                status = client.get(url + link).status_code
                if status != 200:
                    broken.append((user.username, url + link, status))
    assert broken == []
    assert lists >= 30 and links >= 100 and queues >= 8, (lists, links, queues)
