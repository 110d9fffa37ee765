import pytest
from django.test import RequestFactory, override_settings

from portal import audit, roles
from portal.models import AuditEvent
from portal.net import client_ip
from portal.personal_data import lookup_hash
from portal.tests import factories


@pytest.mark.django_db
def test_record_keeps_actor_roles_target_and_address():
    reviewer = factories.staff("rev", roles.REVIEWER)
    request = RequestFactory().get("/admin/x/", REMOTE_ADDR="203.0.113.9")
    request.user = reviewer
    row = audit.record(AuditEvent.Action.DOCUMENT_VIEWED, request=request, target=reviewer, detail="x")
    assert (row.actor_username, row.actor_roles, row.ip_address) == ("rev", roles.REVIEWER, "203.0.113.9")
    assert row.target_type == "portal.user" and row.target_id == str(reviewer.pk)


@pytest.mark.django_db
def test_audit_rows_refuse_update_and_delete_through_the_model():
    row = audit.record(AuditEvent.Action.LOGIN_FAILED, username="nobody")
    with pytest.raises(ValueError):
        row.save()
    with pytest.raises(ValueError):
        row.delete()


def test_client_ip_ignores_headers_unless_declared_and_never_raises():
    factory = RequestFactory()
    forged = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="1.2.3.4", HTTP_X_FORWARDED_FOR="5.6.7.8")
    assert client_ip(forged) == "10.0.0.2"
    with override_settings(CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR", TRUSTED_PROXY_COUNT=1):
        # The client forged the left entry; the proxy appended the real one.
        two = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.7")
        assert client_ip(two) == "198.51.100.7"
        assert client_ip(factory.get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
        assert client_ip(factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="garbage, ::zz")) == "10.0.0.2"


@override_settings(PERSONAL_DATA_HASH_KEY="k1")
def test_lookup_hash_is_keyed_and_normalised():
    assert lookup_hash(" 11010119900307123x ") == lookup_hash("11010119900307123X")
    with override_settings(PERSONAL_DATA_HASH_KEY="k2"):
        other = lookup_hash("11010119900307123X")
    assert other != lookup_hash("11010119900307123X")
    assert lookup_hash("") == ""
