"""The register report (PDF): the register's risks, the money view against the signed tolerance and the
acceptances, read from the text of the printed PDF, from the same selectors as the pages, and nothing of
another organisation; `accord report register ORG --out FILE.pdf`."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.core.cache import cache

from accord.charts import format_money, format_probability
from accord.cli import main
from accord.core import audit, reports
from accord.core.choices import JobStatus
from accord.core.clock import org_today
from accord.core.jobs import queue
from accord.core.jobs.models import Job
from accord.core.models import AuditEvent
from accord.core.reports.services import do_request_report
from accord.risks import portfolio, quantified, services
from tests.conftest import signed_in
from tests.core.test_reports import pdf_pages
from tests.factories import create_risk, sign_draft

TOLERANCE = [[1_000_000, 0.25], [5_000_000, 0.02]]


@pytest.fixture(autouse=True)
def _fresh_cache(monkeypatch):
    monkeypatch.setattr(quantified, "YEARS", 5_000)
    cache.clear()
    quantified.forget_local()


def _risk(org, actor, title, **extra):
    data = {"title": title, "category": "cyber_security", "likelihood": 3, "impact": 4, **extra}
    return create_risk(actor.user, org, data)


@pytest.fixture
def register(org_a, cio, ciso):
    services.do_draft_appetite(ciso.user, org_a, statement="Appetite", category_levels={"cyber_security": "medium"},
                               tolerance=TOLERANCE)
    sign_draft(cio.user, org_a)
    sign_draft(ciso.user, org_a)
    _risk(org_a, ciso, "Ransomware encrypts the file servers", frequency_low="0.2", frequency_high="2",
          loss_low="50000", loss_high="3000000", treatment_frequency_reduction="0.5")
    _risk(org_a, ciso, "Phishing steals payroll credentials", frequency_low="1", frequency_high="6",
          loss_low="2000", loss_high="80000")
    accepted = _risk(org_a, ciso, "Legacy scanner without vendor support", likelihood=2, impact=2,
                     owner=ciso.user.email)
    acceptance = services.do_request_acceptance(ciso.user, org_a, accepted, justification="Replaced next year",
                                                expires_on=org_today(org_a) + dt.timedelta(days=90))
    if acceptance.status != "in_force":
        services.do_sign_acceptance(ciso.user, org_a, acceptance)
    return org_a


@pytest.fixture
def other_register(org_b, outsider):
    services.do_create_risk(outsider.user, org_b, {
        "title": "CANARYB vault door left open", "category": "cyber_security", "likelihood": 5, "impact": 5,
        "frequency_low": "1", "frequency_high": "3", "loss_low": "1000", "loss_high": "9000"})


def _text(org) -> str:
    return "\n".join(pdf_pages(reports.render_pdf(org, "register")))


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_report_lists_every_risk_of_the_register_by_reference_and_title(register):
    text = _flat(_text(register))
    for ref, title in (("R-001", "Ransomware encrypts the file servers"),
                       ("R-002", "Phishing steals payroll credentials"),
                       ("R-003", "Legacy scanner without vendor support")):
        assert ref in text
        assert title in text or all(word in text for word in title.split())


def test_the_report_prints_the_signed_tolerance_and_the_verdicts_the_money_page_shows(register):
    view = portfolio.money_view(register)
    assert len(view.tolerance) == 2 and view.residual is not None
    text = _flat(_text(register))
    assert "Against the signed appetite" in text
    assert "Risk appetite version 1" in text
    for row in view.tolerance:
        assert format_money(row.loss, "EUR") in text
        assert format_probability(row.max_probability) in text
        for verdict in (row.inherent, row.residual):
            assert f"{format_probability(verdict.probability)} ± {format_probability(verdict.standard_error)}" in text
    for curve, outside in view.overall:
        assert (f"{curve}: ✗ outside tolerance" if outside else f"{curve}: ✓ within tolerance") in text
    assert format_money(view.inherent["ale"], "EUR") in text and format_money(view.residual["ale"], "EUR") in text


def test_the_report_holds_the_loss_exceedance_chart_as_text_not_a_picture(register):
    text = _text(register)
    assert "Annual loss (EUR, log scale)" in text  # the chart's axis label, drawn as text by the PDF
    assert "Tolerance point" in text


def test_the_report_lists_the_largest_risks_and_the_acceptances(register):
    text = _flat(_text(register))
    assert "The risks that cost the most" in text
    assert "Risk acceptances" in text
    assert "In force" in text
    assert "R-003 Legacy scanner" in text


def test_the_report_carries_the_organisation_and_page_numbers(register):
    pages = pdf_pages(reports.render_pdf(register, "register"))
    assert "Alpha Clinic" in pages[0]
    assert pages[-1].count(f"Page {len(pages)} of {len(pages)}") == 1
    assert all("Alpha Clinic · Risk register report" in page for page in pages[1:])


def test_the_report_shows_nothing_of_another_organisation(register, other_register, org_b):
    assert "CANARYB" not in _text(register)
    other = _flat(_text(org_b))
    assert "CANARYB vault door left open" in other
    assert "Ransomware" not in other and "Alpha Clinic" not in other


def test_an_empty_register_still_prints_and_says_so(org_a):
    text = _flat(_text(org_a))
    assert "The register is empty." in text
    assert "No risk has a money estimate yet" in text
    assert "No risk appetite is in force" in text


# --- the command ----------------------------------------------------------------------------------------

def test_the_command_writes_the_pdf_and_says_where(register, capsys, tmp_path):
    out = tmp_path / "register.pdf"
    assert main(["report", "register", "org-a", "--out", str(out)]) == 0
    assert "wrote the register report of org-a to" in capsys.readouterr().out
    assert "Ransomware encrypts the file servers" in _flat("\n".join(pdf_pages(out.read_bytes())))


@pytest.mark.parametrize(("args", "message"), [
    (["report", "register", "nowhere", "--out", "x.pdf"], "no organisation with the slug 'nowhere'"),
    (["report", "budget", "org-a", "--out", "x.pdf"], "no report named 'budget' (reports: "),
    (["report", "register", "org-a", "--out", "/no/such/dir/x.pdf"], "cannot write '/no/such/dir/x.pdf'"),
    (["report", "register", "org-a"], "the following arguments are required: --out"),
])
def test_the_command_refuses_in_one_line(org_a, capsys, args, message):
    assert main(args) != 0
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    if "no report named" in message:  # it lists the reports there are, the register's among them
        assert "register" in err.split("(reports: ", 1)[1]


def test_the_report_draws_the_heat_maps_the_heat_map_page_draws(register):
    text = _flat(_text(register))
    assert "Inherent risk heat map of Alpha Clinic" in text and "Residual risk heat map of Alpha Clinic" in text
    assert "3 risks by inherent likelihood and impact" in text


# --- as a background job, from the UI and the API ----------------------------------------------------------

def test_a_member_asks_for_the_report_on_the_web_and_downloads_the_pdf_from_its_job(register, viewer):
    browser = signed_in(viewer)
    money = browser.get(f"/o/{register.slug}/risks/money/")
    assert b'action="/o/org-a/reports/register/"' in money.content
    response = browser.post(f"/o/{register.slug}/reports/register/")
    job = Job.objects.for_org(register).get()
    assert response.status_code == 302 and response["Location"] == f"/o/{register.slug}/jobs/{job.pk}/"
    assert job.kind == "reports.register" and job.status == JobStatus.DONE and job.user == viewer.user
    page = browser.get(response["Location"])
    assert f"/o/{register.slug}/jobs/{job.pk}/file/".encode() in page.content
    pdf = browser.get(f"/o/{register.slug}/jobs/{job.pk}/file/")
    assert pdf["Content-Type"] == "application/pdf"
    assert f"org-a-register-{org_today(register).isoformat()}.pdf" in pdf["Content-Disposition"]
    text = _flat("\n".join(pdf_pages(pdf.content)))
    assert "Ransomware encrypts the file servers" in text and "Risk appetite version 1" in text


def test_asking_for_the_report_is_one_audited_job(register, ciso):
    before = AuditEvent.objects.for_org(register).count()
    job = do_request_report(ciso.user, register, "register")
    events = AuditEvent.objects.for_org(register).order_by("-id")
    assert events.count() == before + 1
    assert (events[0].action, events[0].object_type, events[0].object_id) == ("enqueue", "core.job", str(job.pk))
    assert audit.verify_chain(register).ok


def test_the_api_answers_the_job_and_its_file_is_the_pdf(client, register, auditor):
    response = client.post(f"/api/v1/orgs/{register.slug}/reports/register/", {}, content_type="application/json",
                           **auditor.auth())
    assert response.status_code == 202
    body = response.json()
    assert body["kind"] == "reports.register" and body["status"] == "done" and body["has_file"]
    pdf = client.get(f"/api/v1/orgs/{register.slug}/jobs/{body['id']}/file/", **auditor.auth())
    assert pdf.status_code == 200
    assert "R-002" in _flat("\n".join(pdf_pages(pdf.content)))


def test_an_unknown_report_answers_404_on_the_web_and_the_api(client, register, ciso):
    assert signed_in(ciso).post(f"/o/{register.slug}/reports/budget/").status_code == 404
    response = client.post(f"/api/v1/orgs/{register.slug}/reports/budget/", {}, content_type="application/json",
                           **ciso.auth())
    assert response.status_code == 404
    assert not Job.objects.for_org(register).exists()



def test_a_report_printed_without_a_worker_simulates_the_register_itself(register, settings):
    """Outside a request (the CLI, a worker), a report waits for the register's fresh figures: it does not
    print a register in money as "pending" because no worker has simulated it yet."""
    settings.ACCORD_JOBS_IMMEDIATE = False
    settings.ACCORD_JOBS_FILE = settings.VAR_DIR / "test-report-simulation.sqlite3"
    queue.reset()
    cache.clear()
    quantified.forget_local()
    try:
        assert quantified.portfolio_state(register)[2] == quantified.PENDING  # a page would say so
        text = _flat(_text(register))
    finally:
        queue.huey().storage.flush_all()
        queue.reset()
    assert "not simulated yet" not in text
    assert "2 open risks with a money estimate" in text
    assert format_money(portfolio.money_view(register).inherent["ale"], "EUR") in text


#: English the French report must not hold (its title, frame and section headings).
ENGLISH = ("Risk register report", "Contents", "The register in money", "As of", "produced at",
           "The risks that cost the most")


def test_the_report_is_printed_in_the_organisations_language(register):
    register.language = "fr"
    register.save(update_fields=["language"])
    text = _flat(_text(register))
    assert "Rapport du registre des risques" in text and "Sommaire" in text
    assert [phrase for phrase in ENGLISH if phrase in text] == []
    assert "sur" in text  # "Page N sur M"


def test_the_cli_prints_the_language_it_is_asked_for_and_refuses_one_it_does_not_speak(register, tmp_path, capsys):
    out = tmp_path / "fr.pdf"
    assert main(["report", "register", register.slug, "--out", str(out), "--language", "fr"]) == 0
    text = _flat("\n".join(pdf_pages(out.read_bytes())))
    assert "Rapport du registre des risques" in text and "Risk register report" not in text
    assert main(["report", "register", register.slug, "--out", str(out), "--language", "tlh"]) != 0
    assert "tlh" in capsys.readouterr().err


def test_a_report_asked_for_by_a_french_member_is_french_whatever_the_organisation_speaks(register, ciso):
    ciso.user.language = "fr"
    ciso.user.save(update_fields=["language"])
    job = do_request_report(ciso.user, register, "register")
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    with job.result_file.open("rb") as handle:
        text = _flat("\n".join(pdf_pages(handle.read())))
    assert "Rapport du registre des risques" in text and "Risk register report" not in text


def test_the_cover_gives_the_time_in_the_organisations_zone(register):
    register.timezone = "Pacific/Auckland"  # 11 to 13 hours from UTC: a UTC time cannot pass for it
    register.save(update_fields=["timezone"])
    zone = zoneinfo.ZoneInfo("Pacific/Auckland")
    before = dt.datetime.now(zone)
    text = _flat(_text(register))
    after = dt.datetime.now(zone)
    printed = re.search(r"produced at (\d\d:\d\d) \(Pacific/Auckland\)", text)
    assert printed is not None, text[:400]
    assert printed.group(1) in {before.strftime("%H:%M"), after.strftime("%H:%M")}
