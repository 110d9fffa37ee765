"""Accessibility in the browser: axe-core on the public, citizen and staff pages, and phone width (issue 17, point 8).

Each test opens its pages in turn and fails once, at the end, listing every serious or critical
violation by page, rule and element, so one run shows all there is to fix.
"""

from pathlib import Path

from django.conf import settings

from approvals.tests import factories as approval_factories
from licenses.tests import factories as license_factories

from .conftest import BROWSER_TEST
from .helpers import DESK, log_in, log_in_staff, new_page

pytestmark = BROWSER_TEST

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
PHONE_WIDTH = {"width": 375, "height": 812}
BLOCKING = ("serious", "critical")
ADMIN = f"/{settings.ADMIN_URL_PATH}"


def axe_violations(page):
    """Run axe-core on the page; return its serious and critical violations."""
    page.evaluate(AXE)  # through the DevTools protocol, so the portal's Content-Security-Policy stays on
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v["impact"] in BLOCKING]


def horizontal_overflow(page):
    """Return how many pixels the page is wider than the viewport (0 when it fits)."""
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def audit(page, base_url, paths, *, phone):
    """Open each path; return readable lines for what fails (axe, and at phone width the overflow)."""
    problems = []
    for path in paths:
        response = page.goto(f"{base_url}{path}")
        assert response.ok, f"{path}: HTTP {response.status}"
        for violation in axe_violations(page):
            targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
            problems.append(
                f"{path}: {violation['impact']} {violation['id']}: {violation['help']} "
                f"({len(violation['nodes'])} element(s): {targets})"
            )
        if phone and (overflow := horizontal_overflow(page)) > 0:
            problems.append(f"{path}: scrolls sideways at {PHONE_WIDTH['width']} px ({overflow} px too wide)")
    return problems


def report(problems):
    return "\n".join(["Accessibility problems (fix them in templates/ and static/):", *problems])


def test_public_pages_have_no_serious_violations_and_fit_a_phone(
    browser, live_server, certificate_permit_item, citizen, clerk, reviewer
):
    certificate = license_factories.issued(certificate_permit_item, citizen, clerk, reviewer)
    paths = [
        "/",
        "/services/",
        f"/services/{certificate_permit_item.code}/",
        "/track/",
        f"/verify/{certificate.token}/",
        "/disclosure/",
        "/stats/",
        "/consultations/",
        "/consultations/faq/",
        "/appointments/",
        "/ratings/",
        "/accounts/login/",
        "/accounts/register/",
        "/accounts/register/citizen/",
    ]
    page = new_page(browser, PHONE_WIDTH)
    problems = audit(page, live_server.url, paths, phone=True)
    assert not problems, report(problems)


def test_citizen_pages_have_no_serious_violations_and_fit_a_phone(
    browser, live_server, certificate_permit_item, citizen, clerk, reviewer
):
    approved = license_factories.issued(certificate_permit_item, citizen, clerk, reviewer).source_application
    draft = approval_factories.complete_draft(certificate_permit_item, citizen)
    page = new_page(browser, PHONE_WIDTH)
    log_in(page, live_server.url, citizen)
    paths = [
        "/me/",
        f"/me/applications/{approved.reference}/",
        f"/me/applications/{draft.reference}/",
        f"/me/applications/{draft.reference}/edit/",
        f"/services/{certificate_permit_item.code}/apply/",
    ]
    problems = audit(page, live_server.url, paths, phone=True)
    assert not problems, report(problems)


def test_staff_pages_have_no_serious_violations(
    browser, live_server, certificate_permit_item, citizen, clerk, reviewer, print_operator, supervisor
):
    license_factories.issued(certificate_permit_item, citizen, clerk, reviewer)
    submitted = approval_factories.submitted(certificate_permit_item, citizen)
    pages = {
        clerk: [
            ADMIN,
            f"{ADMIN}approvals/application/?queue=intake",
            f"{ADMIN}approvals/application/{submitted.pk}/change/",
        ],
        reviewer: [f"{ADMIN}approvals/application/?queue=claim"],
        print_operator: [f"{ADMIN}licenses/printjob/"],
        supervisor: [f"{ADMIN}licenses/certificate/", f"{ADMIN}oversight/supervision/"],
    }
    problems = []
    for user, paths in pages.items():
        page = new_page(browser, DESK)
        log_in_staff(page, live_server.url, user)
        problems += audit(page, live_server.url, paths, phone=False)
        page.context.close()
    assert not problems, report(problems)
