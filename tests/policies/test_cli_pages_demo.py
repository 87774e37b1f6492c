"""`accord policy list|export`, the pages (list, policy, version diff, dashboard flag, French) and the demo."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.cli import main
from accord.core.clock import org_today
from accord.core.models import Organization
from accord.policies import demo, selectors, services
from accord.policies.models import Policy
from tests.conftest import signed_in
from tests.policies.factories import make_policy

pytestmark = pytest.mark.django_db


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def approved(org_a, cio, ciso):
    policy = make_policy(ciso.user, org_a, title="Backup\tpolicy", kind="backup", body="# Backup\n\nDaily.\n")
    services.do_approve_policy_version(ciso.user, org_a, policy, version=1)
    services.do_approve_policy_version(cio.user, org_a, policy, version=1)
    return policy


def test_list_prints_the_version_in_force_what_is_awaited_and_the_review(approved, org_a, ciso, capsys):
    services.do_draft_policy_version(ciso.user, org_a, approved, body="# Backup\n\nHourly.\n")
    services.do_record_policy_review(ciso.user, org_a, approved, reviewed_on=org_today(org_a) - dt.timedelta(days=400))
    code, out, _ = run(capsys, "policy", "list", "org-a")
    assert code == 0
    fields = out.strip().split("\t")
    assert fields[:5] == [str(approved.pk), "POL-001", "backup", "v1", "v2 awaits CIO, CISO"]
    assert fields[5].endswith(" OVERDUE") and fields[6] == "Backup policy"


def test_export_writes_the_version_as_markdown_and_as_pdf(approved, tmp_path, capsys):
    md = tmp_path / "backup.md"
    code, out, _ = run(capsys, "policy", "export", "org-a", "POL-001", "--format", "md", "--out", str(md))
    assert code == 0 and "POL-001 v1" in out
    assert md.read_text().endswith("# Backup\n\nDaily.\n")
    pdf = tmp_path / "backup.pdf"
    code, _, _ = run(capsys, "policy", "export", "org-a", str(approved.pk), "--out", str(pdf))
    assert code == 0 and pdf.read_bytes().startswith(b"%PDF")


def test_export_of_an_unknown_policy_is_one_line_and_non_zero(approved, capsys):
    code, out, err = run(capsys, "policy", "export", "org-a", "POL-404", "--out", "-", "--format", "md")
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    assert "no policy 'POL-404' in org-a" in err and "None" not in err and "version" not in err


def test_export_of_a_missing_version_names_the_policy_and_the_version(approved, tmp_path, capsys):
    out_file = str(tmp_path / "x.pdf")
    code, out, err = run(capsys, "policy", "export", "org-a", "POL-001", "--version", "7", "--out", out_file)
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    assert "POL-001 has no version 7" in err and "None" not in err and "no policy" not in err


def test_the_page_renders_the_text_inert_and_the_version_page_shows_the_diff(org_a, cio, ciso):
    body = "# Rules\n\nOne\n\n<script>alert(1)</script> [x](javascript:alert(1))\n"
    policy = make_policy(ciso.user, org_a, body=body)
    services.do_draft_policy_version(ciso.user, org_a, policy, body="# Rules\n\nTwo\n")
    client = signed_in(cio)
    page = client.get(f"/o/org-a/policies/{policy.pk}/").content.decode()
    assert "Approve version 2" in page
    first = client.get(f"/o/org-a/policies/{policy.pk}/versions/1/").content.decode()
    assert "<script>alert" not in first and "&lt;script&gt;alert(1)&lt;/script&gt;" in first
    assert 'href="javascript' not in first and "[x](javascript:alert(1))" in first  # shown as text, no link
    second = client.get(f"/o/org-a/policies/{policy.pk}/versions/2/").content.decode()
    assert 'class="diff-removed"' in second and 'class="diff-added"' in second and "<code>Two</code>" in second


def test_a_viewer_sees_no_approve_button_and_cannot_post_one(org_a, cio, ciso, viewer):
    policy = make_policy(ciso.user, org_a)
    client = signed_in(viewer)
    assert "Approve version" not in client.get(f"/o/org-a/policies/{policy.pk}/").content.decode()
    client.post(f"/o/org-a/policies/{policy.pk}/versions/1/approve/")
    assert selectors.policy_row(org_a, policy).draft_state.signed == {}


def test_an_overdue_review_is_flagged_on_the_cisos_dashboard(approved, org_a, ciso):
    services.do_record_policy_review(ciso.user, org_a, approved, reviewed_on=org_today(org_a) - dt.timedelta(days=400))
    page = signed_in(ciso).get("/o/org-a/").content.decode()
    assert "Review overdue" in page and "POL-001" in page


def test_the_pages_speak_french(approved, org_a, cio):
    client = signed_in(cio)
    page = client.get("/o/org-a/policies/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Politiques" in page and "Revue prévue" in page and "Sauvegarde" in page


@pytest.mark.parametrize("slug", ["nordpay", "harbour-health", "brightcart"])
def test_each_demo_organisation_gets_its_policies(slug):
    from accord.core.demo import DemoContext, _load_core
    from accord.risks.demo import REGISTERS, load_register

    context = DemoContext(log=lambda line: None)
    _load_core(context)
    org = Organization.objects.get(slug=slug)
    load_register(org, REGISTERS[slug])
    assert demo.load_org(org) == 7
    rows = selectors.policy_rows(org)
    assert 6 <= len(rows) <= 10
    assert sum(1 for r in rows if r.overdue) == 1
    awaiting = [r for r in rows if r.draft is not None]
    assert len(awaiting) == 1 and awaiting[0].pending_labels in (["CIO"], ["CIO-CISO (hybrid)"])
    (campaign,) = selectors.campaigns(org)
    assert 0 < len(campaign.progress.acknowledged) < campaign.progress.asked
    (exception,) = selectors.policy_exceptions(org)
    assert exception.state == "pending" and len(exception.signature_state.awaiting) == 1
    assert demo.load_org(org) == 0
    assert Policy.objects.for_org(org).count() == 7
