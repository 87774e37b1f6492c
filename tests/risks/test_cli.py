"""`accord risk list|export|import`."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from accord.cli import main
from accord.core.clock import org_today
from accord.core.models import AuditEvent
from accord.risks import services
from accord.risks.models import Risk
from tests.factories import sign_draft


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def register(org_a, cio, ciso):
    services.do_draft_appetite(ciso.user, org_a, statement="s", category_levels={"cyber_security": "medium"})
    sign_draft(cio.user, org_a)
    sign_draft(ciso.user, org_a)
    past = (org_today(org_a) - dt.timedelta(days=2)).isoformat()
    services.do_create_risk(ciso.user, org_a, {"title": "Ransomware\tencrypts the\nfile servers",
                                              "category": "cyber_security", "likelihood": 5, "impact": 5,
                                              "treatment_due": past})
    services.do_create_risk(ciso.user, org_a, {"title": "Printer toner runs out", "category": "it_operations",
                                              "likelihood": 2, "impact": 1, "next_review": past})


def test_list_prints_ref_level_flags_and_title_tab_separated(register, capsys):
    code, out, _ = run(capsys, "risk", "list", "org-a")
    assert code == 0
    assert out.splitlines() == [
        "R-001\tcritical\tabove-tolerance,treatment-overdue\tRansomware encrypts the file servers",
        "R-002\tlow\treview-overdue\tPrinter toner runs out",
    ]


@pytest.mark.parametrize(("args", "refs"), [(["--level", "low"], ["R-002"]), (["--above-tolerance"], ["R-001"])])
def test_list_filters_by_level_and_tolerance(register, capsys, args, refs):
    _, out, _ = run(capsys, "risk", "list", "org-a", *args)
    assert [line.split("\t")[0] for line in out.splitlines()] == refs


def test_export_writes_csv_or_xlsx_chosen_by_flag_or_extension(register, capsys, tmp_path):
    code, out, _ = run(capsys, "risk", "export", "org-a", "--format", "csv", "--out", str(tmp_path / "r.txt"))
    assert code == 0
    assert "exported the risk register of org-a" in out
    rows = list(csv.DictReader(io.StringIO((tmp_path / "r.txt").read_text(encoding="utf-8-sig"))))
    assert [r["ref"] for r in rows] == ["R-001", "R-002"]
    assert run(capsys, "risk", "export", "org-a", "--out", str(tmp_path / "r.xlsx"))[0] == 0
    assert load_workbook(tmp_path / "r.xlsx").active.max_row == 3


def test_export_to_standard_output_is_csv(register, capsysbinary):
    assert main(["risk", "export", "org-a", "--format", "csv", "--out", "-"]) == 0
    assert capsysbinary.readouterr().out.decode("utf-8-sig").startswith('"ref","title",')


def test_import_reports_the_count_and_is_audited_as_system(org_a, capsys, tmp_path):
    path = tmp_path / "new.csv"
    path.write_text("title;category;likelihood;impact\nCloud outage;it_operations;3;4\nFraud;financial;2;5\n",
                    encoding="utf-8")
    code, out, _ = run(capsys, "risk", "import", "org-a", str(path))
    assert code == 0
    assert out.strip() == f"imported {path} into org-a: 2 added, 0 updated, 0 unchanged (added R-001 to R-002)"
    labels = set(AuditEvent.objects.for_org(org_a).filter(object_type="risks.risk").values_list("actor_label",
                                                                                                flat=True))
    assert labels == {"system"}


def test_a_rejected_import_prints_every_bad_row_and_writes_nothing(org_a, capsys, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("title,category,likelihood,impact\nOk,strategic,1,1\nBad,strategic,7,1\n,moon,1,1\n",
                    encoding="utf-8")
    code, out, err = run(capsys, "risk", "import", "org-a", str(path))
    assert code == 1
    assert out == ""
    assert "row 3, likelihood: 7 is outside the matrix" in err
    assert "row 4, title: This field is required." in err
    assert "row 4, category: 'moon' is not a category" in err
    assert err.splitlines()[-1] == f"accord: error: import rejected: 2 bad row(s) in {path}; nothing was imported"
    assert not Risk.objects.for_org(org_a).exists()


def test_a_dry_run_says_what_each_row_would_do_and_writes_nothing(register, org_a, capsys, tmp_path):
    path = tmp_path / "edited.csv"
    path.write_text("ref,title,category,likelihood,impact\n"
                    "R-001,Ransomware encrypts the file servers,cyber_security,4,5\n"
                    "r-2,Printer toner runs out,it_operations,2,1\n"
                    ",New risk,strategic,1,1\n", encoding="utf-8")
    events = AuditEvent.objects.for_org(org_a).count()
    code, out, _ = run(capsys, "risk", "import", "org-a", str(path), "--dry-run")
    assert code == 0
    assert out.splitlines() == [
        "row 2: update R-001 (title, likelihood)", "row 3: unchanged R-002", "row 4: create R-003",
        "dry run: 1 added, 1 updated, 1 unchanged; nothing was written"]
    assert Risk.objects.for_org(org_a).count() == 2
    assert Risk.objects.for_org(org_a).get(number=1).inherent_likelihood == 5
    assert AuditEvent.objects.for_org(org_a).count() == events


def test_a_dry_run_names_refused_rows_and_exits_non_zero(register, org_a, capsys, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("ref,title,category,likelihood,impact\nR-009,Ghost,strategic,1,1\nR-002,,it_operations,2,1\n",
                    encoding="utf-8")
    code, out, err = run(capsys, "risk", "import", "org-a", str(path), "--dry-run")
    assert code == 1
    assert out.splitlines()[0] == ("row 2: refused R-009: ref: R-009 is not a risk of this organisation; leave ref "
                                   "empty to add the row as a new risk.")
    assert out.splitlines()[1] == "row 3: refused R-002: title: This field is required."
    assert err.splitlines()[-1] == ("accord: error: dry run: 0 added, 0 updated, 0 unchanged, 2 refused; the import "
                                    "would be rejected; nothing was written")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["risk", "list", "nowhere"], "no organisation with the slug 'nowhere'"),
        (["risk", "import", "org-a", "/nonexistent/risks.csv"], "cannot read '/nonexistent/risks.csv'"),
        (["risk", "export", "org-a", "--out", "risks.pdf"], "give --format csv or xlsx"),
        (["risk", "export", "org-a", "--format", "xlsx", "--out", "-"], "only CSV can be written to standard output"),
        (["risk", "export", "org-a", "--out", "/nonexistent/dir/r.csv"], "cannot write '/nonexistent/dir/r.csv'"),
    ],
)
def test_errors_are_one_line_and_exit_non_zero(org_a, capsys, args, message):
    code, _, err = run(capsys, *args)
    assert code == 1
    assert message in err
    assert err.count("\n") == 1


def test_an_unreadable_file_is_one_line(org_a, capsys, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("colour,size\nred,XL\n", encoding="utf-8")
    code, _, err = run(capsys, "risk", "import", "org-a", str(path))
    assert code == 1
    assert err.strip() == f"accord: error: {path}: Unknown column(s): colour, size. The columns are: " + \
        "ref, title, description, category, owner, raised_by, affected_assets, causes, consequences, likelihood, " \
        "impact, residual_likelihood, residual_impact, treatment, treatment_plan, treatment_owner, treatment_due, " \
        "status, next_review, tags, frequency_low, frequency_high, loss_low, loss_high, fair, " \
        "inherent_level, residual_level, above_tolerance, ale, p90."
