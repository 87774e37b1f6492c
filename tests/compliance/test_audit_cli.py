"""`accord assessment list|export`: the audits one line each, and an audit as an XLSX workbook (its results,
findings and remediation plan) (PDF: test_audit_report.py; OSCAL: test_oscal_audits.py); errors are one line."""

import pytest
from openpyxl import load_workbook

from accord.cli import main
from accord.compliance import selectors_assessments as selectors
from accord.compliance import services
from accord.compliance import services_assessments as svc
from tests.compliance.routes import framework_document


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def audit(org_a, ciso, auditor):
    services.do_import_framework(None, org_a, framework_document("probe", "Probe"))
    audit = svc.do_create_assessment(ciso.user, org_a, {"title": "ISO\taudit", "framework": "probe",
                                                        "status": "in_progress", "auditors": [auditor.user.email]})
    first = selectors.results(org_a, audit)[0]
    svc.do_record_result(auditor.user, org_a, first, {"result": "non_compliant", "notes": "=HYPERLINK(\"x\")"})
    finding = svc.do_create_finding(auditor.user, org_a, audit, {"title": "Gap", "requirement": first.requirement.ref})
    svc.do_create_remediation(ciso.user, org_a, finding, {"title": "Fix it", "due_on": "2020-01-01"})
    return audit


def test_list_prints_ref_status_framework_progress_findings_and_title(audit, capsys):
    code, out, _ = run(capsys, "assessment", "list", "org-a")
    assert code == 0
    total = audit.results.count()
    assert out.splitlines() == [f"AUD-001\tin_progress\tprobe@1\t1/{total}\t1\tISO audit"]


def test_export_writes_the_audit_as_a_workbook(audit, capsys, tmp_path):
    out = tmp_path / "audit.xlsx"
    code, _, err = run(capsys, "assessment", "export", "org-a", "AUD-001", "--format", "xlsx", "--out", str(out))
    assert code == 0 and "AUD-001" in err
    book = load_workbook(out)
    assert book.sheetnames == ["Audit", "Results", "Findings", "Remediation"]
    results = list(book["Results"].iter_rows(values_only=True))
    assert results[0][:4] == ("group", "requirement", "title", "result")
    assert results[1][3] == "non_compliant"
    assert results[1][5].startswith("'=")  # a formula-like note is kept as text
    assert list(book["Remediation"].iter_rows(values_only=True))[1][:2] == ("F-001", "Fix it")
    assert list(book["Remediation"].iter_rows(values_only=True))[1][5] == "yes"


def test_an_unknown_audit_is_one_line(audit, capsys, tmp_path):
    code, _, err = run(capsys, "assessment", "export", "org-a", "AUD-404", "--out", str(tmp_path / "x.xlsx"))
    assert code != 0 and "no audit 'AUD-404'" in err
