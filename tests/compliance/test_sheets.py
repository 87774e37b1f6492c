"""A framework imported from a spreadsheet (CSV or XLSX, one row per requirement): on the CLI and as an API
upload, nested groups and sub-requirements kept in file order, every bad row named with its field, nothing
written on any error."""

from __future__ import annotations

import csv
import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from accord.cli import main
from accord.compliance import selectors
from accord.compliance.models import Framework, Group, Requirement
from accord.core.models import AuditEvent
from tests.compliance.test_oscal import authored_catalog

HEADER = ["framework_key", "framework_name", "framework_version", "group", "group_title", "ref", "parent",
          "title", "description", "guidance", "evidence", "objectives", "assessable"]
ROWS = [
    ["harbour-own", "Harbour own controls", "2025", "A > A.5", "Annex A > Organisational", "A.5.1", "",
     "Policies", "Have policies.", "Review yearly.", "Policy; Approval record", "policy exists\nit is approved",
     "no"],
    ["", "", "", "", "", "A.5.1(a)", "A.5.1", "Policy approved", "Approved by the board.", "", "", "", "yes"],
    ["", "", "", "A > A.5", "", "A.5.2", "", "Roles", "Name the roles.", "", "", "", ""],
    ["", "", "", "A > A.6", "Annex A > People", "A.6.1", "", "Screening", "Screen staff.", "", "Records", "", ""],
    ["", "", "", "B", "Operations", "B.1", "", "Backups", "Keep backups.", "", "", "", "1"],
]


def _csv(header, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _xlsx(header, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _upload(client, persona, name, content, query=""):
    return client.post(f"/api/v1/orgs/org-a/frameworks/import{query}",
                       data={"file": SimpleUploadedFile(name, content)}, **persona.auth())


def _check_tree(org, ref="harbour-own"):
    framework = selectors.access_framework(org, ref)
    groups = Group.objects.for_org(org).filter(framework=framework).order_by("position")
    assert [(g.ref, g.title, g.parent.ref if g.parent else None) for g in groups] == [
        ("A", "Annex A", None), ("A.5", "Organisational", "A"), ("A.6", "People", "A"), ("B", "Operations", None)]
    rows = {r.ref: r for r in Requirement.objects.for_org(org).filter(framework=framework)}
    assert [r.ref for r in sorted(rows.values(), key=lambda r: r.position)] == [
        "A.5.1", "A.5.1(a)", "A.5.2", "A.6.1", "B.1"]
    policies = rows["A.5.1"]
    assert (policies.assessable, policies.evidence, policies.objectives, policies.guidance) == (
        False, ["Policy", "Approval record"], ["policy exists", "it is approved"], "Review yearly.")
    assert rows["A.5.1(a)"].parent == policies and rows["A.5.1(a)"].group.ref == "A.5"
    assert all(r.assessable for ref, r in rows.items() if ref != "A.5.1")
    return framework


def test_the_cli_imports_a_csv_framework_with_nested_groups_and_sub_requirements(org_a, capsys, tmp_path):
    path = tmp_path / "own.csv"
    path.write_bytes(_csv(HEADER, ROWS))
    code, out, err = run(capsys, "framework", "import", "org-a", str(path), "--progress")
    assert code == 0, err
    assert out == "imported harbour-own@2025 (Harbour own controls) into org-a: 5 requirements, 4 assessable\n"
    assert "checking 5 row(s)" in err and "100.0%" in err
    framework = _check_tree(org_a)
    assert framework.source == "own.csv"
    assert AuditEvent.objects.for_org(org_a).filter(object_type="compliance.framework").count() == 1


def test_the_api_takes_an_xlsx_upload_with_the_framework_named_in_the_query(client, org_a, ciso):
    header = [h for h in HEADER if not h.startswith("framework_")]
    rows = [row[3:] for row in ROWS]
    response = _upload(client, ciso, "own.xlsx", _xlsx(header, rows),
                       "?key=harbour-own&name=Harbour%20own%20controls&version=2025")
    assert response.status_code == 201, response.content
    assert (response.json()["ref"], response.json()["requirement_count"]) == ("harbour-own@2025", 5)
    _check_tree(org_a)


def test_every_bad_row_is_named_with_its_field_and_nothing_is_written(client, org_a, ciso, capsys, tmp_path):
    rows = [list(row) for row in ROWS]
    rows[1][6] = "A.9.9"  # a parent no earlier row has
    rows[2][7] = ""  # no title
    rows[3][12] = "maybe"
    rows[4][0] = "another-key"
    rows.append(["", "", "", "C > C.1", "", "C.1.1", "", "Untitled group", "", "", "", "", ""])
    rows.append(["", "", "", "B", "", "B.1", "", "Twice", "", "", "", "", ""])
    rows.append(["", "", "", "B", "", "B.2", "", "x" * 501, "", "", "", "", ""])
    expected = [
        (3, "parent", "no earlier row has ref 'A.9.9' (a parent comes before its sub-requirements)"),
        (4, "title", "required"),
        (5, "assessable", "'maybe' is not yes or no"),
        (6, "framework_key", "'another-key' differs from 'harbour-own' on row 2; every row that gives it must "
                             "give the same"),
        (7, "group_title", "group 'C' has no title: give it in group_title on a row of the group (one title per "
                           "group of the path, such as 'Annex A > Organisational controls')"),
        (7, "group_title", "group 'C.1' has no title: give it in group_title on a row of the group (one title "
                           "per group of the path, such as 'Annex A > Organisational controls')"),
        (8, "ref", "'B.1' is on row 6 already; a ref is unique in the framework"),
    ]
    path = tmp_path / "bad.csv"
    path.write_bytes(_csv(HEADER, rows))
    code, _, err = run(capsys, "framework", "import", "org-a", str(path))
    assert code == 1
    assert err.splitlines()[-len(expected) - 1:] == [f"row {n}, {f}: {m}" for n, f, m in expected] + [
        f"accord: error: import rejected: 6 bad row(s) in {path}; nothing was imported"]
    response = _upload(client, ciso, "bad.csv", _csv(HEADER, rows))
    assert response.status_code == 422
    assert [(e["field"], e["message"]) for e in response.json()["errors"]] == [
        (f"rows[{n}].{f}", m) for n, f, m in expected]
    assert not Framework.objects.for_org(org_a).exists()


def test_the_loaders_problems_are_named_by_row_and_column(client, org_a, ciso):
    rows = [list(row) for row in ROWS]
    rows[2][7] = "x" * 501
    rows[3][3] = "A > bad\x01"
    response = _upload(client, ciso, "bad.csv", _csv(HEADER, rows))
    assert response.status_code == 422
    assert [(e["field"], e["message"]) for e in response.json()["errors"]] == [
        ("rows[4].title", "501 characters, at most 500"),
        ("rows[5].group", "holds a control character (such as NUL); remove it")]
    rows = [list(row) for row in ROWS]
    rows[0][0] = "Not A Key"
    response = _upload(client, ciso, "bad.csv", _csv(HEADER, rows))
    assert response.json()["errors"][0]["field"] == "rows[2].framework_key"
    assert not Framework.objects.for_org(org_a).exists()


def test_a_sheet_without_its_framework_named_or_with_an_unknown_column_is_refused(client, org_a, ciso):
    header = [h for h in HEADER if not h.startswith("framework_")]
    response = _upload(client, ciso, "own.csv", _csv(header, [row[3:] for row in ROWS]), "?key=own")
    assert [e["field"] for e in response.json()["errors"]] == ["rows[2].framework_name", "rows[2].framework_version"]
    response = _upload(client, ciso, "own.csv", _csv([*HEADER, "colour"], [[*row, "red"] for row in ROWS]))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"
    assert "Unknown column(s): colour" in response.json()["errors"][0]["message"]
    response = _upload(client, ciso, "own.xlsx", b"PK\x03\x04 not a workbook")
    assert response.json()["errors"][0]["field"] == "file"
    assert not Framework.objects.for_org(org_a).exists()


def test_the_upload_also_takes_json_and_oscal_files(client, org_a, ciso, viewer):
    from tests.compliance.routes import framework_document

    response = _upload(client, ciso, "fw.json", json.dumps(framework_document("up", "Up")).encode())
    assert response.status_code == 201 and response.json()["ref"] == "up@1"
    response = _upload(client, ciso, "catalog.json", json.dumps(authored_catalog()).encode(), "?key=harbour")
    assert response.status_code == 201 and response.json()["ref"] == "harbour@3"
    assert _upload(client, ciso, "fw.json", b"{").json()["errors"][0]["field"] == "file"
    assert _upload(client, viewer, "own.csv", _csv(HEADER, ROWS)).status_code == 403
    response = client.post("/api/v1/orgs/org-a/frameworks/import", **ciso.auth())
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "file"
