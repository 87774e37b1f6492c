"""The audit report (PDF through the report pipeline) and the audit's one reading for its exports
(`selectors_audit_report.audit_report`): its figures for a hand-made audit, the PDF's text, and the report on
every front (the page's button, `POST .../export`, `accord assessment export --format pdf`), with another
organisation's audit answering 404 and the permission table deciding who may have it."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from openpyxl import load_workbook

from accord.cli import main
from accord.compliance import exports_assessments, rules, services
from accord.compliance import selectors_assessments as selectors
from accord.compliance import services_assessments as svc
from accord.compliance.reports_assessments import AUDIT_REPORT_NAME
from accord.compliance.selectors_audit_report import audit_report
from accord.core import reports
from accord.core.choices import JobStatus, Role
from accord.core.clock import org_today
from accord.core.jobs.models import Job
from accord.core.permissions import allows
from accord.core.reports.services import do_request_report
from tests.compliance.routes import framework_document
from tests.conftest import job_of, signed_in
from tests.core.test_reports import pdf_pages
from tests.factories import make_member

API = "/api/v1/orgs/{org}/assessments/{id}/export"


def _record(org, actor, audit, ref, **change):
    result = next(r for r in selectors.results(org, audit) if r.requirement.ref == ref)
    svc.do_record_result(actor.user, org, result, change)


def _audit(org, ciso, auditor, *, key="probe", title="Payments audit"):
    services.do_import_framework(None, org, framework_document(key, "Probe"))
    audit = svc.do_create_assessment(ciso.user, org, {
        "title": title, "framework": key, "status": "in_progress", "scope": "The payment platform",
        "starts_on": "2026-10-01", "ends_on": "2026-11-30", "auditors": [auditor.user.email]})
    _record(org, auditor, audit, "G1.2", result="compliant")
    _record(org, auditor, audit, "G1.3", result="partial", notes="Half the servers")
    _record(org, auditor, audit, "G2.2", result="non_compliant")
    _record(org, auditor, audit, "G2.3", result="not_applicable", justification="No card data kept")
    finding = svc.do_create_finding(auditor.user, org, audit, {
        "title": "Keys never rotated", "severity": "high", "requirement": "G2.2",
        "description": "The signing keys date from 2019."})
    svc.do_create_remediation(ciso.user, org, finding, {"title": "Rotate the signing keys", "due_on": "2020-01-01",
                                                       "owner": ciso.user.email})
    done = svc.do_create_remediation(ciso.user, org, finding, {"title": "Inventory the keys", "due_on": "2020-01-01"})
    svc.do_update_remediation(ciso.user, org, done, {"status": "done"})
    return audit


@pytest.fixture
def audit(org_a, ciso, auditor):
    return _audit(org_a, ciso, auditor)


@pytest.fixture
def other_audit(org_b):
    ciso_b = make_member(org_b, Role.CISO)
    return _audit(org_b, ciso_b, make_member(org_b, Role.AUDITOR), title="Other audit")


# --- the one reading both exports print ------------------------------------------------------------------

def test_the_report_reads_the_audits_counts_compliance_groups_and_overdue_actions(org_a, audit):
    found = audit_report(org_a, audit.ref)
    assert found.counts == {"not_assessed": 5, "compliant": 1, "partial": 1, "non_compliant": 1,
                            "not_applicable": 1}
    assert found.share == rules.compliance_share(compliant=1, partial=1, non_compliant=1, not_assessed=5) == 1.5 / 8
    assert [g.group.ref for g in found.groups] == ["G1", "G2"]  # top-level groups: G1.X's result counts in G1
    assert [g.counts for g in found.groups] == [
        {"not_assessed": 3, "compliant": 1, "partial": 1, "non_compliant": 0, "not_applicable": 0},
        {"not_assessed": 2, "compliant": 0, "partial": 0, "non_compliant": 1, "not_applicable": 1}]
    assert found.groups[0].share == 1.5 / 5 and found.groups[1].share == 0.0
    assert [r.requirement.ref for r in found.results] == [r.requirement.ref for r in selectors.results(org_a, audit)]
    assert [(r.title, r.overdue) for r in found.remediations] == [("Rotate the signing keys", True),
                                                                  ("Inventory the keys", False)]
    assert found.overdue_count == 1 and [f.title for f in found.findings] == ["Keys never rotated"]


def test_the_reading_is_a_constant_number_of_queries(org_a, audit, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        found = audit_report(org_a, audit.pk)
        assert len(found.results) == 9


def test_the_workbook_and_the_pdf_say_the_same_compliance(org_a, audit):
    book = load_workbook(io.BytesIO(exports_assessments.workbook(org_a, audit)))
    summary = dict(book["Audit"].iter_rows(values_only=True))
    assert summary["compliance"] == round(1.5 / 8, 4) and summary["remediations_overdue"] == 1
    text = " ".join(pdf_pages(exports_assessments.pdf(org_a, audit)[0]))
    assert "Compliance: 19% of the applicable requirements." in text


# --- the PDF -----------------------------------------------------------------------------------------------

def test_the_pdf_prints_the_audit_its_summary_groups_findings_and_plan(org_a, audit, ciso, auditor):
    pdf, name = exports_assessments.pdf(org_a, audit)
    assert pdf.startswith(b"%PDF-")
    assert name == f"org-a-assessment-aud-001-{org_today(org_a).isoformat()}.pdf"
    pages = pdf_pages(pdf)
    cover, text = pages[0], " ".join(" ".join(pages).split())
    assert "Audit report · AUD-001" in cover
    for expected in ("Payments audit", "Probe 1 (Probe publisher)", "The payment platform", auditor.user.display_name,
                     "In progress"):
        assert expected in " ".join(cover.split()), expected
    assert re.search(r"Results by group\s*\.+\s*\d", cover), cover  # the contents list the sections
    for expected in ("Executive summary", "Non-compliant 1", "Not assessed 5", "G1 Probe group 1",
                     "G2.3", "No card data kept", "Half the servers", "Keys never rotated",
                     "The signing keys date from 2019.", "High", "Rotate the signing keys", "overdue",
                     ciso.user.display_name):
        assert expected in text, expected
    assert text.count("overdue") == 2  # the summary's count and the one overdue action (the done one is not)


def test_the_chart_is_a_stacked_bar_per_group_with_every_result(org_a, audit):
    from accord.compliance.reports_assessments import results_chart

    svg = results_chart(audit_report(org_a, audit.pk))
    assert svg.count('class="bar"') == 3 + 3  # G1: compliant, partial, not assessed; G2: non-compliant, n/a, n/a
    assert "G1, Partially compliant: 1" in svg and "G2, Not assessed: 2" in svg


def test_the_report_asks_for_an_audit_of_the_organisation(org_a, org_b, audit, other_audit):
    with pytest.raises(ValidationError, match="Name the audit"):
        reports.render_pdf(org_a, AUDIT_REPORT_NAME)
    with pytest.raises(Http404, match="No such audit"):
        reports.render_pdf(org_a, AUDIT_REPORT_NAME, parameters={"assessment": other_audit.pk})
    with pytest.raises(ValidationError, match="takes only the audit"):
        reports.render_pdf(org_a, AUDIT_REPORT_NAME, parameters={"assessment": audit.ref, "other": "x"})


# --- the API -----------------------------------------------------------------------------------------------

def test_the_api_queues_the_pdf_and_the_job_leaves_it(client, org_a, audit, ciso):
    response = client.post(API.format(org="org-a", id=audit.ref), {"format": "pdf"}, content_type="application/json",
                           **ciso.auth())
    job = job_of(client, ciso, response)
    assert (job["kind"], job["status"], job["parameters"]) == ("reports.assessment", "done", {"assessment": audit.pk})
    download = client.get(job["url"] + "file/", **ciso.auth())
    pdf = b"".join(download.streaming_content) if download.streaming else download.content
    assert download.status_code == 200 and pdf.startswith(b"%PDF-")
    assert "Keys never rotated" in " ".join(pdf_pages(pdf))


def test_the_api_get_export_says_where_the_pdf_is(client, org_a, audit, ciso):
    response = client.get(API.format(org="org-a", id=audit.ref) + "?format=pdf", **ciso.auth())
    assert response.status_code == 422 and "POST" in response.json()["detail"] + str(response.json()["errors"])


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.VIEWER])  # every role: the role table suite
def test_an_auditor_or_viewer_has_the_pdf_if_the_permission_table_says_so(client, org_a, audit, role):
    member = make_member(org_a, role)
    response = client.post(API.format(org="org-a", id=audit.ref), {"format": "pdf"}, content_type="application/json",
                           **member.auth())
    if not allows(role, "assessment.view"):
        assert response.status_code == 403
        return
    job = job_of(client, member, response)
    assert job["status"] == "done" and job["has_file"]
    assert client.get(job["url"] + "file/", **member.auth()).status_code == 200


def test_another_organisations_audit_is_404_on_every_front(client, org_a, audit, other_audit, ciso, capsys, tmp_path):
    before = Job.objects.for_org(org_a).count()
    response = client.post(API.format(org="org-a", id=other_audit.pk), {"format": "pdf"},
                           content_type="application/json", **ciso.auth())
    assert response.status_code == 404
    page = signed_in(ciso).post(reverse("audits:report", kwargs={"org": "org-a", "assessment_id": other_audit.pk}))
    assert page.status_code == 404
    with pytest.raises(Http404, match="No such audit"):
        do_request_report(ciso.user, org_a, AUDIT_REPORT_NAME, {"assessment": other_audit.pk})
    assert Job.objects.for_org(org_a).count() == before
    out = tmp_path / "other.pdf"
    assert main(["assessment", "export", "org-a", str(other_audit.pk), "--format", "pdf", "--out", str(out)]) != 0
    assert main(["report", AUDIT_REPORT_NAME, "org-a", "--with", f"assessment={other_audit.pk}",
                 "--out", str(out)]) != 0
    assert not out.exists() and "Other audit" not in capsys.readouterr().err


def test_a_job_whose_audit_is_gone_fails_saying_so(org_a, ciso, audit, other_audit):
    from accord.core.jobs.services import do_enqueue_job
    from accord.core.reports.jobs import kind_name

    job = do_enqueue_job(ciso.user, org_a, kind_name(AUDIT_REPORT_NAME), {"assessment": other_audit.pk})
    assert (job.status, job.error) == (JobStatus.FAILED, "No such audit.")


def test_the_kits_own_fronts_ask_which_audit(client, org_a, audit, ciso):
    api = client.post(f"/api/v1/orgs/org-a/reports/{AUDIT_REPORT_NAME}/", {}, content_type="application/json",
                      **ciso.auth())
    assert api.status_code == 422 and api.json()["errors"][0]["field"] == "assessment"
    page = signed_in(ciso).post(reverse("core:report", kwargs={"org": "org-a", "name": AUDIT_REPORT_NAME}))
    assert page.status_code == 404  # asked for from the audit's own page
    assert not Job.objects.for_org(org_a).exists()


# --- the page and the CLI ---------------------------------------------------------------------------------

def test_the_audit_pages_button_queues_the_report_and_opens_its_job(org_a, audit, viewer):
    browser = signed_in(viewer)
    url = reverse("audits:report", kwargs={"org": "org-a", "assessment_id": audit.pk})
    page = browser.get(reverse("audits:detail", kwargs={"org": "org-a", "assessment_id": audit.pk}))
    assert f'action="{url}"' in page.content.decode() and "PDF report" in page.content.decode()
    response = browser.post(url)
    job = Job.objects.for_org(org_a).get(kind="reports.assessment")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job", kwargs={"org": "org-a", "job_id": job.pk})
    assert job.status == JobStatus.DONE and job.result_file.name.endswith(".pdf")


def test_the_cli_writes_the_pdf(org_a, audit, capsys, tmp_path):
    out = tmp_path / "audit.pdf"
    assert main(["assessment", "export", "org-a", "AUD-001", "--format", "pdf", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF-")
    assert "Keys never rotated" in " ".join(pdf_pages(out.read_bytes()))
    assert "AUD-001" in capsys.readouterr().err
