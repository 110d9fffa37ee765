"""The admin's JavaScript widgets speak Chinese too (the role selector on a user's page)."""

import json
import re

from django.urls import reverse

from portal import roles
from portal.tests import factories


def test_the_admin_javascript_catalogue_translates_the_two_box_selector(client, db):
    client.force_login(factories.staff("security", roles.SECURITY_ADMINISTRATOR))
    body = client.get(reverse("admin:jsi18n")).content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", body, re.S).group(1))
    assert catalog["Choose all %s"] == "全选%s"
    assert catalog["Remove all %s"] == "全部移除%s"
    assert catalog['Choose %s by selecting them and then select the "Choose" arrow button.'].startswith("选中")
    assert catalog["Choose all"] == "全选"  # Django's own catalogue is still merged in
