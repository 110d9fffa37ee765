"""The admin lists' lookup allow-list: no filtering on a masked field, in any admin of the site."""

import pytest
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django.urls import reverse

from portal import roles
from portal.admin_lookups import LookupAllowListMixin, is_masked, masked_fields, touches_masked_field
from portal.admin_site import PortalAdminSite
from portal.models import User
from portal.tests import factories

pytestmark = pytest.mark.django_db

LOOKUPS = ["startswith", "regex", "contains", "exact", "iexact"]


def _masked_lookup_paths(model):
    """Return the model's masked fields, and those one relation away (applicant__id_number)."""
    paths = list(masked_fields(model))
    for field in model._meta.get_fields():
        if field.is_relation and field.related_model is not None and field.related_model is not model:
            # A reverse relation's name is its query name (Group's "user").
            paths += [f"{field.name}__{masked}" for masked in masked_fields(field.related_model)]
    return paths


def _changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.com", factories.PASSWORD)


def test_every_admin_of_the_site_answers_400_to_every_lookup_on_a_masked_field(client, superuser):
    client.force_login(superuser)
    tried, answered = [], []
    for model in admin.site._registry:
        for path in _masked_lookup_paths(model):
            for lookup in LOOKUPS:
                url = f"{_changelist(model)}?{path}__{lookup}=1101"
                tried.append(url)
                status = client.get(url).status_code
                if status != 400:
                    answered.append((url, status))
    assert answered == []
    expected = {
        "approvals/application/?applicant_id_number__startswith",
        "approvals/application/?contact_phone__regex",
        "approvals/application/?form_data__contains",
        "approvals/application/?agent_id_number__exact",
        "licenses/certificate/?holder_id_number__startswith",
        "licenses/printjob/?collector_id_number__iexact",
        "portal/user/?id_number__startswith",
        "portal/user/?mobile__regex",
        "portal/user/?email__contains",
        "approvals/application/?applicant__id_number__startswith",
        "auth/group/?user__mobile__startswith",
    }
    assert expected <= {url.split("/admin/")[1].rsplit("=", 1)[0] for url in tried}


def test_a_masked_fields_json_key_and_a_bad_regex_answer_400(client, superuser):
    client.force_login(superuser)
    url = reverse("admin:approvals_application_changelist")
    assert client.get(url, {"form_data__floor_area__startswith": "12"}).status_code == 400
    assert client.get(url, {"applicant_id_number__regex": "("}).status_code == 400


def test_text_matching_on_an_unmasked_field_outside_the_filters_is_refused_too(client, superuser):
    client.force_login(superuser)
    url = reverse("admin:portal_user_changelist")
    assert client.get(url, {"real_name__startswith": "张"}).status_code == 400
    assert client.get(url, {"department__name__startswith": "市"}).status_code == 400
    assert client.get(url, {"kind__regex": "("}).status_code == 400


def test_the_lists_own_filters_still_work(client, superuser, construction_department):
    factories.staff("clerk", roles.CLERK, construction_department)
    client.force_login(superuser)
    url = reverse("admin:portal_user_changelist")
    for params in (
        {"kind__exact": "staff"},
        {"department__id__exact": construction_department.pk},
        {"department__isnull": "True"},
        {"groups__id__exact": Group.objects.get(name=roles.CLERK).pk},
        {"is_staff__exact": "1"},
    ):
        response = client.get(url, params)
        assert response.status_code == 200, params
        assert "e" not in response.get("Location", ""), params


def test_the_calendars_date_hierarchy_still_works(client, superuser):
    client.force_login(superuser)
    url = reverse("admin:portal_calendarday_changelist")
    assert client.get(url, {"date__year": "2026", "date__month": "5"}).status_code == 200


def test_every_admin_registered_on_the_site_gets_the_allow_list():
    assert all(isinstance(model_admin, LookupAllowListMixin) for model_admin in admin.site._registry.values())
    site = PortalAdminSite(name="another")
    site.register(Group, GroupAdmin)
    site.register(User)  # no admin class: Django's ModelAdmin, guarded too
    assert isinstance(site._registry[Group], GroupAdmin)
    assert isinstance(site._registry[Group], LookupAllowListMixin)
    assert isinstance(site._registry[User], LookupAllowListMixin)


def test_an_admins_own_lookup_allowed_cannot_reopen_a_masked_field():
    class Lenient(admin.ModelAdmin):
        list_filter = ["email"]
        allowed_lookups = ["id_number"]

        def lookup_allowed(self, lookup, value, request=None):
            return True

    site = PortalAdminSite(name="lenient")
    site.register(User, Lenient)
    model_admin = site._registry[User]
    assert not model_admin.lookup_allowed("email__exact", "a@example.com", None)
    assert not model_admin.lookup_allowed("id_number__startswith", "1101", None)


def test_the_masked_fields_are_the_identifiers_not_the_public_numbers():
    assert is_masked(User, "id_number") and is_masked(User, "mobile") and is_masked(User, "email")
    assert not is_masked(User, "credit_code")
    assert not is_masked(User, "username")


def test_no_admin_of_the_site_searches_a_masked_field(rf, superuser):
    # django-otp's device admins searched user__email; a search is a GET, in every access log.

    request = rf.get("/")
    request.user = superuser
    for model, model_admin in admin.site._registry.items():
        for field in model_admin.get_search_fields(request):
            assert not touches_masked_field(model, field.lstrip("^=@")), (model, field)
    otp_admins = [a for m, a in admin.site._registry.items() if m._meta.app_label.startswith("otp_")]
    assert otp_admins and all("user__email" not in a.get_search_fields(request) for a in otp_admins)
