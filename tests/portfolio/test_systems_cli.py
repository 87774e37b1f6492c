"""`accord system list|export|import`."""

import datetime as dt

import pytest

from accord.cli import main
from accord.core.clock import org_today
from accord.portfolio import services_systems
from accord.portfolio.models_systems import System

pytestmark = pytest.mark.django_db


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def inventory(org_a, cio):
    soon = (org_today(org_a) + dt.timedelta(days=60)).isoformat()
    services_systems.do_create_system(cio.user, org_a, {"name": "Database", "kind": "data_store",
                                                        "criticality": "critical"})
    services_systems.do_create_system(cio.user, org_a, {"name": "ERP\tcore", "dependencies": ["Database"],
                                                        "end_of_support_on": soon})
    return soon


def test_list_prints_each_system_with_its_flag_and_dependencies(inventory, capsys):
    code, out, _ = run(capsys, "system", "list", "org-a")
    assert code == 0
    assert out.splitlines() == ["S-001\tdata_store\tcritical\t-\t-\t-\t-\tDatabase",
                                f"S-002\tapplication\tmedium\t{inventory}\t-\tmigrate/eliminate?\tDatabase\tERP core"]
    code, out, _ = run(capsys, "system", "list", "org-a", "--flagged")
    assert [line.split("\t")[0] for line in out.splitlines()] == ["S-002"]


def test_export_then_import_into_another_organisation(inventory, org_b, tmp_path, capsys):
    target = tmp_path / "systems.xlsx"
    code, out, _ = run(capsys, "system", "export", "org-a", "--out", str(target))
    assert code == 0 and "exported the systems inventory of org-a" in out
    code, out, _ = run(capsys, "system", "import", org_b.slug, str(target), "--dry-run")
    assert code == 0 and "dry run: 2 added, 0 updated, 0 unchanged; nothing was written" in out
    assert System.objects.for_org(org_b).count() == 0
    code, out, _ = run(capsys, "system", "import", org_b.slug, str(target))
    assert code == 0 and "2 added" in out
    assert [d.name for d in System.objects.for_org(org_b).get(number=2).dependencies.all()] == ["Database"]


def test_a_refused_import_names_every_bad_row_and_writes_nothing(org_a, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("name,kind,rto_hours\nA,mainframe,1\nB,application,-3\n")
    code, _, err = run(capsys, "system", "import", "org-a", str(bad))
    assert code == 1
    assert "row 2, kind:" in err and "row 3, rto_hours:" in err
    assert "import rejected: 2 bad row(s)" in err
    assert System.objects.for_org(org_a).count() == 0
