"""The cost pages: the cost view of a year with its figures and chart, the budget line forms, the import of actuals
as a job the page follows (every refused row shown), and who may do what."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accord.portfolio import services, services_costs
from accord.portfolio.models_costs import Actual, BudgetLine
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

YEAR = 2025


def url(org, name="view"):
    return f"/o/{org.slug}/costs/" + {"view": "", "new": "lines/new/", "import": "import/", "chart": "chart.svg"}[name]


@pytest.fixture
def lines(org_a):
    portal = services.do_create_initiative(None, org_a, {"title": "Patient portal", "kind": "digital_transformation"})
    made = [services_costs.do_create_budget_line(None, org_a, data) for data in (
        {"year": YEAR, "title": "Hosting", "category": "run", "amount": 12_000_000},
        {"year": YEAR, "title": "Portal build", "category": "change", "nature": "capex", "amount": 4_000_000,
         "initiative": portal.pk},
        {"year": YEAR, "title": "SOC service", "category": "security", "amount": 4_000_000})]
    booked = {"line": "BL-001", "month": f"{YEAR}-01", "amount": 15_000_000}
    services_costs.do_import_actuals(None, org_a, [(2, booked)])
    return made


def test_the_cost_view_shows_the_year_by_category_with_security_share_and_variances(org_a, cio, lines):
    page = signed_in(cio).get(url(org_a) + f"?year={YEAR}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "IT costs 2025" in text
    assert "20 %" in text.replace("20.0 %", "20 %")  # security: 4 M of 20 M
    assert "Patient portal" in text and "BL-001" in text
    assert "+30 k EUR" in text  # hosting: 150,000.00 spent against 120,000.00 (minor units shown as euros)
    assert f"chart.svg?year={YEAR}" in text


def test_the_chart_is_an_svg_of_the_spend_by_month(org_a, viewer, lines):
    chart = signed_in(viewer).get(url(org_a, "chart") + f"?year={YEAR}&download=1")
    assert chart["Content-Type"].startswith("image/svg+xml")
    assert chart["Content-Disposition"].endswith(f'costs-{YEAR}.svg"')
    svg = chart.content.decode()
    assert "<title>" in svg and "Run" in svg and "Security" in svg


def test_a_year_no_budget_could_have_is_404(org_a, viewer):
    assert signed_in(viewer).get(url(org_a) + "?year=abc").status_code == 404
    assert signed_in(viewer).get(url(org_a) + "?year=3000").status_code == 404


def test_a_line_is_added_and_edited_through_the_form_naming_bad_fields(org_a, cio):
    client = signed_in(cio)
    bad = client.post(url(org_a, "new"), {"year": YEAR, "title": "EDR", "category": "security", "nature": "opex",
                                          "amount": "-5"})
    assert bad.status_code == 422
    made = client.post(url(org_a, "new"), {"year": YEAR, "title": "EDR", "category": "security", "nature": "opex",
                                           "amount": "90000"})
    assert made.status_code == 302
    line = BudgetLine.objects.for_org(org_a).get()
    edited = client.post(f"/o/{org_a.slug}/costs/lines/{line.pk}/", {
        "year": YEAR, "title": "EDR licences", "category": "security", "nature": "opex", "amount": "95000"})
    assert edited.status_code == 302
    line.refresh_from_db()
    assert (line.title, line.amount) == ("EDR licences", 95000)


def test_the_import_page_queues_a_job_and_shows_every_refused_row(org_a, cio, lines):
    client = signed_in(cio)
    bad = SimpleUploadedFile("a.csv", b"line,month,amount\nBL-001,2025-02,1\nBL-099,2025-02,1\nBL-002,2024-02,1\n")
    queued = client.post(url(org_a, "import"), {"file": bad})
    assert queued.status_code == 302 and "?job=" in queued["Location"]
    page = client.get(queued["Location"]).content.decode()
    assert "Nothing was imported" in page and "BL-099 is not a budget line" in page and "not in 2025" in page
    assert Actual.objects.for_org(org_a).count() == 1
    preview = client.post(url(org_a, "import"), {"preview": "1", "file": SimpleUploadedFile(
        "b.csv", b"line,month,amount\nBL-002,2025-02,300000\n")})
    assert "Preview: 1 added" in preview.content.decode()
    assert Actual.objects.for_org(org_a).count() == 1


def test_a_viewer_reads_the_costs_but_neither_edits_nor_imports(org_a, viewer, ciso, lines):
    client = signed_in(viewer)
    page = client.get(url(org_a) + f"?year={YEAR}").content.decode()
    assert "Add a budget line" not in page and "Import actuals" not in page
    assert client.get(url(org_a, "new")).status_code == 403
    assert signed_in(ciso).get(url(org_a, "import")).status_code == 403
