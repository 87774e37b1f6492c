"""Re-importing an edited export updates the risks its `ref` column names instead of duplicating them;
a dry run (CLI `--dry-run`, API `dry_run=true`, the web page's Preview) says what each row would do
and writes nothing; a bad file writes nothing."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from accord.core.audit import verify_chain
from accord.core.models import AuditEvent
from accord.risks import services
from accord.risks.choices import ImportAction
from accord.risks.io import export_register, parse_upload
from accord.risks.models import Risk
from accord.risks.services import ImportRejected
from tests.conftest import job_of, signed_in
from tests.factories import xlsx_bytes

API = "/api/v1/orgs/org-a/risks/import/"
PAGE = "/o/org-a/risks/register/import/"


@pytest.fixture
def register(org_a, ciso, cio):
    for title, category, score in (("Ransomware", "cyber_security", 4), ("Vendor outage", "third_party", 3),
                                   ("Printer toner", "it_operations", 1)):
        services.do_create_risk(ciso.user, org_a, {"title": title, "category": category, "likelihood": score,
                                                   "impact": score, "owner": cio.user.email, "tags": ["x"],
                                                   "loss_low": "1000", "loss_high": "50000", "frequency_low": "1",
                                                   "frequency_high": "4"})
    return org_a


def _edited_export(org, fmt="csv"):
    """The register exported, R-001 retitled and re-scored, R-002 left alone, R-003 given a new tag, and
    a new row without ref: as bytes in `fmt`."""
    content, _, _ = export_register(org, None, fmt)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        rows = [["" if v is None else v for v in row]
                for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]
    header = rows[0]
    col = {name: header.index(name) for name in header}
    rows[1][col["title"]] = "Ransomware on the file servers"
    rows[1][col["likelihood"]] = 5
    rows[3][col["tags"]] = "x; board"
    new = [""] * len(header)
    new[col["title"]], new[col["category"]], new[col["likelihood"]], new[col["impact"]] = "Fraud", "financial", 2, 2
    rows.append(new)
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        return out.getvalue().encode("utf-8")
    return xlsx_bytes(rows)


def _events(org):
    """The register's audit events (signing in and using a token are audited too)."""
    return AuditEvent.objects.for_org(org).filter(object_type="risks.risk").count()


# --- the service -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_edited_export_updates_the_risks_it_names_and_adds_the_new_rows(register, ciso, fmt):
    before = _events(register)
    rows = parse_upload(io.BytesIO(_edited_export(register, fmt)), f"r.{fmt}")
    report = services.do_import_risks(ciso.user, register, rows)
    assert [(r.row, r.action, r.ref, r.changed) for r in report.rows] == [
        (2, ImportAction.UPDATE, "R-001", ("title", "likelihood")), (3, ImportAction.UNCHANGED, "R-002", ()),
        (4, ImportAction.UPDATE, "R-003", ("tags",)), (5, ImportAction.CREATE, "R-004", ())]
    assert list(Risk.objects.for_org(register).order_by("number").values_list("title", flat=True)) == [
        "Ransomware on the file servers", "Vendor outage", "Printer toner", "Fraud"]
    first = Risk.objects.for_org(register).get(number=1)
    assert (first.inherent_likelihood, first.residual_likelihood, first.residual_level) == (5, 4, "high")
    events = AuditEvent.objects.for_org(register).filter(object_type="risks.risk").order_by("seq")[before:]
    assert [(e.action, e.object_repr.split(" ")[0]) for e in events] == [
        ("create", "R-004"), ("update", "R-001"), ("update", "R-003")]
    assert set(events[1].changes) == {"title", "inherent_likelihood", "inherent_level"}
    assert events[2].changes == {"tags": [["x"], ["x", "board"]]}
    assert verify_chain(register).ok


def test_an_unedited_export_imports_as_unchanged_and_writes_nothing(register):
    content, _, _ = export_register(register, None, "csv")
    before = _events(register)
    report = services.do_import_risks(None, register, parse_upload(io.BytesIO(content), "r.csv"))
    assert report.summary() == "0 added, 0 updated, 3 unchanged"
    assert Risk.objects.for_org(register).count() == 3 and _events(register) == before


def test_a_file_of_refs_and_the_changed_column_only_updates_that_column(register):
    rows = parse_upload(io.BytesIO(b"ref,status\r\nR-002,assessed\r\nr-3,closed\r\n"), "r.csv")
    report = services.do_import_risks(None, register, rows)
    assert report.summary() == "0 added, 2 updated, 0 unchanged"
    assert dict(Risk.objects.for_org(register).values_list("number", "status")) == {
        1: "identified", 2: "assessed", 3: "closed"}


@pytest.mark.parametrize(("ref", "message"), [
    ("R-404", "R-404 is not a risk of this organisation; leave ref empty to add the row as a new risk."),
    ("RISK-1", "'RISK-1' is not a risk reference such as R-001; leave ref empty to add the row as a new risk."),
    ("R-001", "R-001 is also in row 2; a file may change a risk once."),
])
def test_a_bad_ref_refuses_the_file_and_nothing_is_written(register, ref, message):
    text = f"ref,title,category,likelihood,impact\r\nR-001,Renamed,cyber_security,4,4\r\n{ref},X,privacy,1,1\r\n"
    before = _events(register)
    with pytest.raises(ImportRejected, match="row 3, ref") as exc:
        services.do_import_risks(None, register, parse_upload(io.BytesIO(text.encode()), "r.csv"))
    assert exc.value.rows == [(3, "ref", message)]
    assert Risk.objects.for_org(register).get(number=1).title == "Ransomware"
    assert Risk.objects.for_org(register).count() == 3 and _events(register) == before


def test_a_risk_of_another_organisation_is_an_unknown_ref(register, org_b):
    services.do_create_risk(None, org_b, {"title": "B's", "category": "privacy", "likelihood": 1, "impact": 1})
    Risk.objects.for_org(register).filter(number=3).delete()  # org A has no R-003 now; org B has an R-001 only
    rows = parse_upload(io.BytesIO(b"ref,title\r\nR-003,Taken\r\n"), "r.csv")
    with pytest.raises(ImportRejected, match="R-003 is not a risk of this organisation"):
        services.do_import_risks(None, register, rows)


def test_a_dry_run_reports_every_row_and_writes_nothing(register):
    text = ("ref,title,category,likelihood,impact\r\nR-001,Renamed,cyber_security,4,4\r\nR-002,Vendor outage,"
            "third_party,3,3\r\n,New,privacy,1,1\r\nR-003,,it_operations,9,1\r\n")
    before = _events(register)
    report = services.do_import_risks(None, register, parse_upload(io.BytesIO(text.encode()), "r.csv"),
                                      dry_run=True)
    assert [(r.action, r.ref, r.changed) for r in report.rows] == [
        (ImportAction.UPDATE, "R-001", ("title",)), (ImportAction.UNCHANGED, "R-002", ()),
        (ImportAction.CREATE, "R-004", ()), (ImportAction.REFUSED, "R-003", ())]
    assert dict(report.rows[3].errors) == {"title": "This field is required.",
                                           "likelihood": "9 is outside the matrix: use 1 to 5."}
    assert report.dry_run and report.created == report.updated == []
    assert Risk.objects.for_org(register).get(number=1).title == "Ransomware"
    assert Risk.objects.for_org(register).count() == 3 and _events(register) == before


# --- the API ------------------------------------------------------------------------------------------------

def _post(client, persona, content, query=""):
    return client.post(API + query, {"file": SimpleUploadedFile("edited.csv", content)}, **persona.auth())


def test_the_api_reimport_updates_and_does_not_duplicate(client, register, ciso):
    job = job_of(client, ciso, _post(client, ciso, _edited_export(register)))
    assert job["status"] == "done"
    body = job["result"]
    assert (body["count"], body["created"], body["updated"], body["unchanged"]) == (3, 1, 2, 1)
    assert body["rows"][0] == {"row": 2, "action": "update", "ref": "R-001", "changed": ["title", "likelihood"],
                               "errors": []}
    assert Risk.objects.for_org(register).count() == 4


def test_the_api_dry_run_reports_refused_rows_with_their_errors_and_writes_nothing(client, register, ciso):
    before = _events(register)
    content = b"ref,title,category,likelihood,impact\r\nR-001,Renamed,cyber_security,4,4\r\nR-077,X,privacy,1,1\r\n"
    response = _post(client, ciso, content, "?dry_run=true")
    assert response.status_code == 200
    body = response.json()
    assert (body["dry_run"], body["count"], body["updated"], body["refused"]) == (True, 1, 1, 1)
    assert body["rows"][1]["action"] == "refused"
    assert body["rows"][1]["errors"][0]["field"] == "ref"
    assert Risk.objects.for_org(register).get(number=1).title == "Ransomware" and _events(register) == before


def test_the_api_refuses_a_bad_file_whole(client, register, ciso):
    before = _events(register)
    content = b"ref,title,category,likelihood,impact\r\nR-001,Renamed,cyber_security,4,4\r\nR-077,X,privacy,1,1\r\n"
    job = job_of(client, ciso, _post(client, ciso, content))
    assert job["status"] == "failed" and "nothing was imported. row 3, ref: " in job["error"]
    assert {(r["row"], e["field"]) for r in job["result"]["rows"] for e in r["errors"]} == {(3, "ref")}
    assert Risk.objects.for_org(register).get(number=1).title == "Ransomware" and _events(register) == before


# --- the web page -------------------------------------------------------------------------------------------

def _page_post(persona, content, **extra):
    return signed_in(persona).post(PAGE, {"file": SimpleUploadedFile("edited.csv", content), **extra}, follow=True)


def test_the_preview_shows_what_each_row_would_do_and_writes_nothing(register, cio):
    before = _events(register)
    body = _page_post(cio, _edited_export(register), preview="1").content.decode()
    assert "Preview: 1 added, 2 updated, 1 unchanged" in body
    assert "<td>2</td><td>Update</td><td>R-001</td><td><code>title</code>, <code>likelihood</code></td>" in body
    assert "<td>5</td><td>Add</td><td>R-004</td>" in body
    assert Risk.objects.for_org(register).count() == 3 and _events(register) == before


def test_the_web_import_of_an_edited_export_updates_and_says_so(register, cio):
    body = _page_post(cio, _edited_export(register)).content.decode()
    assert "Imported: 1 added, 2 updated, 1 unchanged." in body
    assert Risk.objects.for_org(register).count() == 4


def test_the_preview_of_a_bad_file_lists_its_problems(register, cio):
    body = _page_post(cio, b"ref,title\r\nR-009,X\r\n", preview="1").content.decode()
    assert "Preview: this file would be refused: 1 problem in the file" in body
    assert "<td>2</td><td><code>ref</code></td>" in body
