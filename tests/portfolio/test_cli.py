"""`accord initiative list|show|advance`."""

import pytest

from accord.cli import main
from accord.portfolio import services

pytestmark = pytest.mark.django_db


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def portal(org_a, cio, ciso):
    return services.do_create_initiative(cio.user, org_a, {"title": "Patient\tportal", "kind": "digital_transformation",
                                                           "phase": "proposed"})


def test_list_prints_id_ref_phase_health_gate_and_title(portal, capsys):
    services.do_create_initiative(None, portal.organization, {"title": "Wi-Fi", "kind": "infrastructure"})
    code, out, _ = run(capsys, "initiative", "list", "org-a")
    assert code == 0
    assert out.splitlines() == [f"{portal.pk}\tI-001\tproposed\ton_track\tapproval\tPatient portal",
                                f"{portal.pk + 1}\tI-002\tidea\ton_track\t-\tWi-Fi"]
    code, out, _ = run(capsys, "initiative", "list", "org-a", "--kind", "infrastructure")
    assert [line.split("\t")[1] for line in out.splitlines()] == ["I-002"]


def test_advance_refuses_a_gated_move_naming_the_review(portal, capsys):
    code, out, err = run(capsys, "initiative", "advance", "org-a", str(portal.pk), "approved")
    assert code == 1
    assert out == ""
    assert "approval security review (approval)" in err
    assert len(err.strip().splitlines()) == 1


def test_show_prints_the_gate_and_its_clock(portal, cio, capsys):
    services.do_open_review(cio.user, portal.organization, portal)
    code, out, _ = run(capsys, "initiative", "show", "org-a", str(portal.pk))
    assert code == 0
    assert "gate: approval (shut)" in out
    assert "working days left" in out
