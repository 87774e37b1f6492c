"""The controls library as a file and on the command line: `accord control list|export|import`; an export
(CSV and XLSX) imports again into an organisation without controls and gives the same file; links travel as
risk refs with their effect and as framework key:id; an import is all or nothing, every bad row named with its
column; a re-import of an unchanged file changes nothing; a file's link cells are the links as they must be."""

from __future__ import annotations

import io

import pytest

from accord.cli import main
from accord.compliance import io_controls, linkcells, services, services_controls
from accord.compliance.models import Requirement
from accord.compliance.models_controls import Control, ControlRequirement, ControlRisk
from accord.compliance.services_control_imports import ImportRejected, do_import_controls
from accord.core import services as core_services
from accord.core.audit import verify_chain
from accord.core.models import AuditEvent, User
from accord.risks import selectors as risk_selectors
from accord.risks import services as risk_services
from tests.compliance.routes import framework_document
from tests.factories import make_member, make_org

pytestmark = pytest.mark.django_db

HEADER = "ref,name,kind,status,owner,run_cost,build_days,risks,requirements"


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _world(org):
    """Three risks, a framework of the organisation's own in two versions, and an owner (the same person in every
    organisation)."""
    owner = User.objects.filter(email="owner@x.test").first()
    if owner is None:
        make_member(org, "ciso", email="owner@x.test")
    else:
        core_services.do_add_member(None, org, owner, "ciso")
    for title in ("Ransomware", "Outage", "Fraud"):
        risk_services.do_create_risk(None, org, {"title": title, "category": "cyber_security", "likelihood": 3,
                                                 "impact": 3})
    services.do_import_framework(None, org, framework_document("own", "Own"))
    services.do_import_framework(None, org, framework_document("own", "Own", version="2"))


def _library(org):
    """Three controls with costs, owners and links of every kind (a requirement of an older version too)."""
    risks = {r.ref: r for r in risk_selectors.risks(org)}
    newest = Requirement.objects.for_org(org).filter(framework__version="2")
    older = Requirement.objects.for_org(org).filter(framework__version="1")
    backups = services_controls.do_create_control(None, org, {
        "name": "Offline backups", "kind": "technical", "status": "implemented", "owner": "owner@x.test",
        "run_cost": 250_000, "build_cost": "900000", "run_days": "2.5", "implemented_on": "2026-02-01",
        "description": "=HYPERLINK(\"x\") a formula-like text"})
    services_controls.do_link_control_risk(None, org, backups, risks["R-001"], frequency_reduction="40%",
                                           loss_reduction="0.25")
    services_controls.do_link_control_risk(None, org, backups, risks["R-002"], loss_reduction="0.5")
    services_controls.do_link_control_requirement(None, org, backups, newest.get(ref="G1.2"))
    services_controls.do_link_control_requirement(None, org, backups, older.get(ref="G2.3"))
    awareness = services_controls.do_create_control(None, org, {"name": "Awareness", "kind": "policy"})
    services_controls.do_link_control_risk(None, org, awareness, risks["R-003"])
    services_controls.do_create_control(None, org, {"name": "Retired one", "status": "retired", "next_review_on":
                                                    "2027-01-31"})


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imports_into_an_organisation_without_controls_and_gives_the_same_file(org_a, fmt):
    _world(org_a)
    _library(org_a)
    content, _, name = io_controls.export_controls(org_a, fmt)
    assert name.endswith(f".{fmt}")
    other = make_org("other", name="Other")
    _world(other)
    report = do_import_controls(None, other, io_controls.parse_upload(io.BytesIO(content), name))
    assert report.summary() == "3 added, 0 updated, 0 unchanged"
    # The same rows (an XLSX also holds the time it was written).
    again_content = io_controls.export_controls(other, fmt)[0]
    assert io_controls.parse_upload(io.BytesIO(again_content), name) == io_controls.parse_upload(io.BytesIO(content),
                                                                                                  name)
    assert io_controls.export_controls(other, "csv")[0] == io_controls.export_controls(org_a, "csv")[0]
    assert [c.ref for c in Control.objects.for_org(other).order_by("number")] == ["C-001", "C-002", "C-003"]
    assert verify_chain(other).ok
    again = do_import_controls(None, other, io_controls.parse_upload(io.BytesIO(content), name))
    assert again.summary() == "0 added, 0 updated, 3 unchanged", again.rows


def test_the_link_cells_say_each_risk_with_its_effect_and_each_requirement_by_key(org_a):
    _world(org_a)
    _library(org_a)
    content = io_controls.export_controls(org_a, "csv")[0].decode("utf-8-sig")
    lines = content.splitlines()
    assert lines[0].endswith('"risks","requirements"')
    assert '"R-001 (frequency 0.4, loss 0.25); R-002 (loss 0.5)","own:G1.2; own@1:G2.3"' in lines[1]
    assert "'=HYPERLINK" in lines[1]  # guarded against formulas
    assert '"R-003",""' in lines[2]


def test_an_import_adds_updates_and_makes_the_links_what_the_cells_say(org_a):
    _world(org_a)
    _library(org_a)
    start = AuditEvent.objects.for_org(org_a).count()
    csv = (f"{HEADER}\n"
           "C-001,Offline backups,technical,implemented,owner@x.test,250000,,R-002 (loss 60%),own:G2.1\n"
           ",Network segmentation,technical,planned,,1000,3,R-001 (frequency 0.2); R-003,own@1:G1.2\n"
           "C-009,Kept reference,process,planned,,,,,\n")
    report = do_import_controls(None, org_a, io_controls.parse_upload(io.BytesIO(csv.encode()), "c.csv"))
    assert [(r.action, r.ref, r.changed) for r in report.rows] == [
        ("update", "C-001", ("risks", "requirements")), ("create", "C-010", ()),
        ("create", "C-009", ())]
    backups = Control.objects.for_org(org_a).get(number=1)
    links = list(ControlRisk.objects.for_org(org_a).filter(control=backups).values_list("risk__number",
                                                                                       "loss_reduction"))
    assert [(n, str(share)) for n, share in links] == [(2, "0.6000")]
    assert list(ControlRequirement.objects.for_org(org_a).filter(control=backups)
                .values_list("requirement__ref", "requirement__framework__version")) == [("G2.1", "2")]
    segmentation = Control.objects.for_org(org_a).get(number=10)
    assert segmentation.build_days == 3 and segmentation.risk_links.count() == 2
    # One event per written object: C-001's changed link and its removed one, its two removed requirement links
    # and its new one; the two controls added, C-010's two risk links and its requirement link.
    events = list(AuditEvent.objects.for_org(org_a).order_by("seq")[start:])
    assert sorted((e.object_type, e.action) for e in events) == sorted(
        [("compliance.controlrisk", "update"), ("compliance.controlrisk", "delete"),
         ("compliance.controlrequirement", "delete"), ("compliance.controlrequirement", "delete"),
         ("compliance.controlrequirement", "create"), ("compliance.control", "create"),
         ("compliance.control", "create"), ("compliance.controlrisk", "create"), ("compliance.controlrisk", "create"),
         ("compliance.controlrequirement", "create")])
    assert verify_chain(org_a).ok


def test_a_file_without_the_link_columns_leaves_the_links_as_they_are(org_a):
    _world(org_a)
    _library(org_a)
    csv = 'ref,name\nC-001,"Offline backups, renamed"\n'
    report = do_import_controls(None, org_a, io_controls.parse_upload(io.BytesIO(csv.encode()), "c.csv"))
    assert [r.changed for r in report.rows] == [("name",)]
    assert ControlRisk.objects.for_org(org_a).filter(control__number=1).count() == 2


def test_an_import_with_bad_rows_names_every_row_and_column_and_writes_nothing(org_a, capsys, tmp_path):
    _world(org_a)
    start = AuditEvent.objects.for_org(org_a).count()
    path = tmp_path / "bad.csv"
    path.write_text(f"{HEADER}\n"
                    "X-1,Bad ref,,,,,,,\n"
                    ",No status,technical,done,nobody@x.test,-3,,R-001 (frequency 140%); R-099,own:Z.9; gone:G1.1\n"
                    "C-004,Fine,policy,planned,,,,R-001,own:G1.2\n"
                    "C-004,Twice,policy,planned,,,,,\n"
                    ",,,,,,,R-001 (speed 3),own-G1\n")
    code, out, err = run(capsys, "control", "import", "org-a", str(path))
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert lines[-1] == "accord: error: import rejected: 4 bad row(s) in " + str(path) + "; nothing was imported"
    named = {tuple(line.split(":")[0].split(", ")) for line in lines[1:-1]}
    assert named == {("row 2", "ref"), ("row 3", "status"), ("row 3", "owner"), ("row 3", "run_cost"),
                     ("row 3", "risks"), ("row 3", "requirements"), ("row 5", "ref"), ("row 6", "name"),
                     ("row 6", "risks"), ("row 6", "requirements")}
    assert "frequency of R-001" in err and "R-099 is not a risk" in err and "own@2 has no requirement 'Z.9'" in err
    assert "'gone' is not a framework" in err and "C-004 is also in row 4" in err
    assert not Control.objects.for_org(org_a).exists()
    assert AuditEvent.objects.for_org(org_a).count() == start


def test_an_archived_risk_is_refused_in_a_link_cell(org_a):
    _world(org_a)
    risk = risk_selectors.access_risk(org_a, "R-002")
    risk_services.do_archive_risk(None, org_a, risk, reason="Gone")
    rows = io_controls.parse_upload(io.BytesIO(b"name,risks\nBackups,R-002\n"), "c.csv")
    with pytest.raises(ImportRejected, match="R-002 is archived"):
        do_import_controls(None, org_a, rows)


def test_the_cli_lists_exports_and_imports_with_a_dry_run_that_writes_nothing(org_a, capsys, tmp_path):
    _world(org_a)
    _library(org_a)
    code, out, _ = run(capsys, "control", "list", "org-a")
    assert code == 0
    assert out.splitlines() == ["C-001\timplemented\ttechnical\t2\t2\tOffline backups",
                                "C-002\tplanned\tpolicy\t1\t0\tAwareness", "C-003\tretired\tprocess\t0\t0\tRetired one"]
    code, out, _ = run(capsys, "control", "list", "org-a", "--status", "retired")
    assert [line.split("\t")[0] for line in out.splitlines()] == ["C-003"]
    target = tmp_path / "library.xlsx"
    code, out, _ = run(capsys, "control", "export", "org-a", "--out", str(target))
    assert code == 0 and "XLSX" in out and target.stat().st_size > 0
    code, out, _ = run(capsys, "control", "export", "org-a", "--format", "csv", "--out", "-")
    assert code == 0 and out.splitlines()[0].lstrip("\ufeff").startswith('"ref","name"')
    other = make_org("other", name="Other")
    _world(other)
    code, out, _ = run(capsys, "control", "import", "other", str(target), "--dry-run")
    assert code == 0 and out.splitlines()[0] == "row 2: create C-001"
    assert "nothing was written" in out and not Control.objects.for_org(other).exists()
    code, out, _ = run(capsys, "control", "import", "other", str(target))
    assert code == 0 and out.strip() == f"imported {target} into other: 3 added, 0 updated, 0 unchanged"
    assert AuditEvent.objects.for_org(other).filter(actor_label="system", object_type="compliance.control").count() == 3
    code, _, err = run(capsys, "control", "export", "org-a", "--out", str(tmp_path / "x.txt"))
    assert code == 2 or code == 1
    assert "--format" in err


def test_link_cells_read_what_they_write():
    cells, problems = linkcells.parse_risks("R-001 (frequency 0.4, loss 25%); r-2; R-3 (loss: 0.1)")
    assert problems == []
    assert [(c.ref, str(c.frequency), str(c.loss)) for c in cells] == [
        ("R-001", "0.4000", "0.2500"), ("r-2", "0.0000", "0.0000"), ("R-3", "0.0000", "0.1000")]
    assert linkcells.risks_text([(c.ref, c.frequency, c.loss) for c in cells]) == (
        "R-001 (frequency 0.4, loss 0.25); r-2; R-3 (loss 0.1)")
    items, problems = linkcells.parse_requirements("iso27001-2022:A.8.13; gdpr:32(1)(b);; nope")
    assert [(i.framework, i.requirement) for i in items] == [("iso27001-2022", "A.8.13"), ("gdpr", "32(1)(b)")]
    assert problems == ["'nope' is not a framework's key, a colon and a requirement's id, such as "
                        "iso27001-2022:A.8.13."]
