"""The permit's journey in a real browser: the citizen, the clerk, the reviewers and the print operator.

One test walks the whole path (issue 17, point 7): each step is a function below that drives the
pages as the person would and asserts what they see. The test's data is the construction permit
item of the test catalogue (conftest.permit_item), which issues the permit certificate.
"""

import io
import re

import pypdfium2
import zxingcpp
from django.conf import settings
from django.utils import translation
from pypdf import PdfReader

from approvals.models import Application, State
from licenses.models import Certificate
from portal.tests import factories

from .conftest import BROWSER_TEST
from .helpers import DESK, PHONE, log_in_staff, new_page, screenshot

pytestmark = BROWSER_TEST

CITIZEN = {
    "username": "wangwu",
    "real_name": "王五",
    "mobile": "13700137000",
    "email": "wangwu@example.com",
    "password1": "a-Long-passphrase-42",
    "password2": "a-Long-passphrase-42",
}


def state_label(state):
    """The state as the portal shows it in Chinese."""
    with translation.override("zh-hans"):
        return str(State(state).label)


def register_and_apply(browser, base_url, item, pdf_files):
    """(a) Register through the registration page, apply with PDFs, save a draft, continue it, submit."""
    page = new_page(browser, PHONE)
    id_number = factories.id_number()
    page.goto(f"{base_url}/accounts/register/citizen/")
    screenshot(page, "register")
    for name, value in {**CITIZEN, "id_number": id_number}.items():
        page.fill(f"input[name={name}]", value)
    page.locator("form:has(input[name=password1]) button[type=submit]").click()
    page.wait_for_url(f"{base_url}/me/")
    assert "王五" in page.inner_text("body")

    page.goto(f"{base_url}/services/{item.code}/")
    screenshot(page, "guide")
    page.click(f"a[href='/services/{item.code}/apply/']")  # 网上申报
    page.wait_for_url(re.compile(f"/services/{item.code}/apply/"))
    page.fill("input[name=f_parcel_no]", "330102001001GB00001")
    materials = list(item.materials.order_by("sort_order"))
    for material, path in zip(materials, pdf_files, strict=True):
        page.set_input_files(f"input[name=material_{material.pk}]", path)
    page.click("button[name=action][value=save]")
    page.wait_for_url(re.compile(r"/me/applications/[^/]+/edit/$"))
    body = page.inner_text("body")
    assert pdf_files[0].name in body and pdf_files[1].name in body  # the uploads were kept in the draft
    application = Application.objects.get(applicant__username="wangwu")
    assert application.state == State.DRAFT

    # Later: from the personal centre, the draft is continued and submitted.
    page.goto(f"{base_url}/me/")
    page.click(f"a[href='/me/applications/{application.reference}/']")
    page.click(f"a[href='/me/applications/{application.reference}/edit/']")
    assert page.input_value("input[name=f_parcel_no]") == "330102001001GB00001"
    page.fill("input[name=f_floor_area]", "1200.5")
    page.fill("input[name=delivery_name]", "王五")
    page.fill("input[name=delivery_phone]", "13700137000")
    page.fill("textarea[name=delivery_address], input[name=delivery_address]", "东城区人民路1号")
    screenshot(page, "apply")
    page.click("button[name=action][value=submit]")
    page.wait_for_url(re.compile(r"/me/applications/[^/]+/$"))
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert page.url == f"{base_url}/me/applications/{application.reference}/"  # the reference given at submission
    assert state_label(State.SUBMITTED) in page.inner_text("body")
    screenshot(page, "application")
    return page, application.reference, id_number


def track_anonymously(browser, base_url, reference, id_number, state):
    """Look the application up at /track/ with no login; the page says its state."""
    page = new_page(browser, PHONE)
    page.goto(f"{base_url}/track/")
    page.fill("input[name=reference]", reference)
    page.fill("input[name=id_tail]", id_number[-6:])
    page.locator("form:has(input[name=id_tail]) button[type=submit]").click()
    page.wait_for_load_state()
    body = page.inner_text("main")
    assert reference in body
    assert state_label(state) in body
    screenshot(page, "track")
    page.context.close()


ADMIN = f"/{settings.ADMIN_URL_PATH}"


def staff_page(browser, base_url, user):
    """A desk-width page of a member of staff logged in with the password and the authenticator."""
    page = new_page(browser, DESK)
    log_in_staff(page, base_url, user)
    return page


def act(page, base_url, application, action):
    """Open the application in the admin and take one step from its change page."""
    page.goto(f"{base_url}{ADMIN}approvals/application/{application.pk}/change/")
    page.click(f"a[href='{ADMIN}approvals/application/{application.pk}/act/{action}/']")
    page.wait_for_url(re.compile(f"/act/{action}/$"))


def confirm(page):
    page.locator("#content-main form input[type=submit]").click()
    page.wait_for_load_state()


def correction_round(browser, base_url, clerk, citizen_page, reference, pdf_files):
    """(b) The clerk sends the one-time correction notice; the citizen fixes and resubmits; the clerk accepts."""
    application = Application.objects.get(reference=reference)
    material = application.item.materials.order_by("sort_order").first()
    page = staff_page(browser, base_url, clerk)
    screenshot(page, "admin-index")
    page.goto(f"{base_url}{ADMIN}approvals/application/")
    assert reference in page.inner_text("#result_list")
    screenshot(page, "admin-intake-list")
    act(page, base_url, application, "request_correction")
    page.select_option("select[name=form-0-target]", f"m:{material.pk}")
    page.fill("textarea[name=form-0-reason]", "申请表缺少建设单位盖章，请盖章后重新上传。")
    confirm(page)
    assert state_label(State.NEEDS_CORRECTION) in page.inner_text("#content")

    citizen_page.goto(f"{base_url}/me/applications/{reference}/")
    body = citizen_page.inner_text("main")
    assert "申请表缺少建设单位盖章，请盖章后重新上传。" in body
    assert state_label(State.NEEDS_CORRECTION) in body
    screenshot(citizen_page, "correction-notice")
    citizen_page.click(f"a[href='/me/applications/{reference}/edit/']")
    citizen_page.set_input_files(f"input[name=material_{material.pk}]", pdf_files[0])
    citizen_page.click("button[name=action][value=submit]")
    citizen_page.wait_for_url(f"{base_url}/me/applications/{reference}/")
    assert state_label(State.SUBMITTED) in citizen_page.inner_text("main")

    act(page, base_url, application, "accept")
    confirm(page)
    assert state_label(State.ACCEPTED) in page.inner_text("#content")
    screenshot(page, "admin-application")
    page.context.close()
    return application


def review(browser, base_url, reviewer, other_reviewer, application):
    """(c) The reviewer claims and approves; a reviewer of another department cannot see the application."""
    outsider = staff_page(browser, base_url, other_reviewer)
    outsider.goto(f"{base_url}{ADMIN}approvals/application/")
    assert application.reference not in outsider.inner_text("#content")
    response = outsider.goto(f"{base_url}{ADMIN}approvals/application/{application.pk}/change/")
    assert response.status == 404
    assert application.reference not in outsider.inner_text("body")
    outsider.context.close()

    page = staff_page(browser, base_url, reviewer)
    page.goto(f"{base_url}{ADMIN}approvals/application/")
    assert application.reference in page.inner_text("#result_list")
    screenshot(page, "admin-reviewer-list")
    act(page, base_url, application, "claim")
    confirm(page)
    act(page, base_url, application, "approve")
    confirm(page)
    assert state_label(State.APPROVED) in page.inner_text("#content")
    page.context.close()


def download_and_verify(browser, base_url, citizen_page, application):
    """(d) The citizen downloads the permit: fonts embedded, Chinese text, a QR code leading to 有效."""
    certificate = Certificate.objects.get(source_application=application)
    citizen_page.goto(f"{base_url}/me/")
    assert certificate.number in citizen_page.inner_text("main")
    with citizen_page.expect_download() as download:
        citizen_page.click(f"a[href='/me/certificates/{certificate.number}/pdf/']")
    pdf = download.value.path().read_bytes()
    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    for expected in ("建筑工程施工许可证", certificate.number, "王五", "330102001001GB00001"):
        assert expected in text
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font).get(
            "/FontDescriptor"
        )
        assert descriptor is not None, f"font {font.get('/BaseFont')} is not embedded"
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object()), font.get("/BaseFont")
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=2).to_pil()
    codes = [result.text for result in zxingcpp.read_barcodes(image)]
    assert codes == [f"{base_url}/verify/{certificate.token}/"]

    visitor = new_page(browser, PHONE)
    visitor.goto(codes[0])
    body = visitor.inner_text("main")
    assert "有效" in body and certificate.number in body
    screenshot(visitor, "verify")
    visitor.context.close()
    return certificate


def print_and_dispatch(browser, base_url, print_operator, citizen_page, certificate):
    """(e) The print operator prints a batch holding the permit and sends it; the citizen sees the waybill."""
    page = staff_page(browser, base_url, print_operator)
    page.goto(f"{base_url}{ADMIN}licenses/printjob/")
    row = page.locator("#result_list tr", has_text=certificate.number)
    row.locator("input[name=_selected_action]").check()
    page.select_option("select[name=action]", "print_selected")
    screenshot(page, "admin-print-queue")
    page.locator("#changelist-form button[name=index], #changelist-form [type=submit][name=index]").first.click()
    page.wait_for_url(re.compile(r"/printbatch/\d+/change/$"))
    assert "1 / 1" in page.inner_text("#content")
    job = certificate.print_job
    page.goto(f"{base_url}{ADMIN}licenses/printjob/{job.pk}/dispatch/")
    page.fill("input[name=courier]", "中国邮政 EMS")
    page.fill("input[name=waybill]", "EM123456789CN")
    page.locator("#content-main form input[type=submit]").click()
    page.wait_for_load_state()
    assert "EM123456789CN" in page.inner_text("#content")
    page.context.close()

    citizen_page.goto(f"{base_url}/me/")
    assert "EM123456789CN" in citizen_page.inner_text("main")
    screenshot(citizen_page, "me")


def test_a_construction_permit_from_registration_to_the_courier(
    browser, live_server, settings, certificate_permit_item, pdf_files, clerk, reviewer, other_reviewer, print_operator
):
    base_url = live_server.url
    settings.PORTAL_BASE_URL = base_url  # the QR code leads to this live server's verification page
    citizen_page, reference, id_number = register_and_apply(browser, base_url, certificate_permit_item, pdf_files)
    track_anonymously(browser, base_url, reference, id_number, State.SUBMITTED)
    application = correction_round(browser, base_url, clerk, citizen_page, reference, pdf_files)
    review(browser, base_url, reviewer, other_reviewer, application)
    certificate = download_and_verify(browser, base_url, citizen_page, application)
    print_and_dispatch(browser, base_url, print_operator, citizen_page, certificate)
    track_anonymously(browser, base_url, reference, id_number, State.APPROVED)
