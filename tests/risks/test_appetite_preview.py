"""The appetite draft shows its consequences before anyone signs it (issue 9): what changed from the
version in force, the risks that would newly be above (or no longer above) tolerance, and the money
tolerance verdict under the draft beside the one in force, on the page, the API and the CLI, all from
`accord.risks.preview.appetite_preview` (itself on `selectors.tolerance_changes` and the engine)."""

from __future__ import annotations

import re
from html import unescape

import pytest

from accord.cli import main
from accord.core.demo import load_demo
from accord.core.models import Membership, Organization
from accord.risks import quantified, selectors, services
from accord.risks.preview import appetite_preview
from tests.conftest import signed_in
from tests.factories import Persona, sign_draft


def _plain(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def _persona(org, email) -> Persona:
    member = Membership.objects.for_org(org).select_related("user").get(user__email=email)
    return Persona(user=member.user, membership=member, org=org)


@pytest.fixture
def nordpay(db) -> Organization:
    """Nordpay's demo draft lowers the cyber security and third-party limits and tightens the tolerance."""
    load_demo(log=lambda line: None)
    return Organization.objects.get(slug="nordpay")


def test_the_preview_names_the_changed_limits_the_risks_that_move_and_both_money_verdicts(nordpay):
    preview = appetite_preview(nordpay)
    assert {(c.key, c.in_force, c.draft) for c in preview.levels} == {
        ("cyber_security", "medium", "low"), ("third_party", "medium", "low")}
    assert preview.tolerance_changed
    assert preview.newly_above, "lowering two limits moves risks above tolerance"
    assert {r.category.key for r in preview.newly_above} <= {"cyber_security", "third_party"}
    assert all(r.residual_level == "medium" for r in preview.newly_above)
    assert preview.no_longer_above == []
    assert preview.above_draft == preview.above_in_force + len(preview.newly_above)
    # The verdict in force is the engine's own, the one the Money page shows.
    result = quantified.portfolio_result(nordpay)
    assert preview.money_in_force["within"] == (result["residual"] or result["inherent"])["tolerance"]["within"]
    assert preview.money_draft is not None
    assert [p["max_probability"] for p in preview.money_draft["points"]] == [0.15, 0.02, 0.002]


def test_the_draft_page_lists_the_changed_risks_and_the_verdicts_before_signing(nordpay):
    preview = appetite_preview(nordpay)
    cio = _persona(nordpay, "cio@nordpay.example")
    page = _plain(signed_in(cio).get("/o/nordpay/risks/appetite/"))
    section = page.split(f"Before signing: what version {preview.draft.version} changes")[1].split(
        "Draft a new version")[0]
    assert "Cyber security Medium Low" in section and "Third party Medium Low" in section
    assert f"Newly above tolerance ({len(preview.newly_above)})" in section
    for risk in preview.newly_above:
        assert f"{risk.ref} {risk.title}" in section
    words = {True: "within tolerance", False: "outside tolerance"}
    assert f"Under the version in force: {words[preview.money_in_force['within']]}" in section
    assert f"Under the draft: {words[preview.money_draft['within']]}" in section
    assert f"{preview.above_in_force} open risks above tolerance now; {preview.above_draft} under the draft" in section


def test_the_api_and_the_cli_give_the_same_preview(nordpay, client, capsys):
    preview = appetite_preview(nordpay)
    ceo = _persona(nordpay, "ceo@nordpay.example")
    body = client.get("/api/v1/orgs/nordpay/risk-appetite/draft/preview/", **ceo.auth()).json()
    assert body["draft_version"] == preview.draft.version
    assert [r["ref"] for r in body["newly_above_tolerance"]] == [r.ref for r in preview.newly_above]
    assert body["no_longer_above_tolerance"] == []
    assert {c["category"] for c in body["category_levels"]} == {"cyber_security", "third_party"}
    assert body["money_draft"]["within"] == preview.money_draft["within"]
    assert body["money_in_force"]["within"] == preview.money_in_force["within"]

    assert main(["appetite", "preview", "nordpay"]) == 0
    lines = dict(line.split(": ", 1) for line in capsys.readouterr().out.splitlines())
    assert lines["newly above"] == ", ".join(r.ref for r in preview.newly_above)
    assert lines["category cyber_security"] == "medium -> low"
    assert lines["money draft"].startswith("within" if preview.money_draft["within"] else "outside")


def test_raising_a_limit_lists_the_risks_no_longer_above(org_a, cio, ciso):
    risk = services.do_create_risk(cio.user, org_a, {"title": "Ransomware", "category": "cyber_security",
                                                     "likelihood": 4, "impact": 4})
    services.do_draft_appetite(ciso.user, org_a, statement="Tight.", category_levels={"cyber_security": "low"})
    sign_draft(cio.user, org_a)
    sign_draft(ciso.user, org_a)
    services.do_draft_appetite(ciso.user, org_a, statement="Loose.", category_levels={"cyber_security": "critical"})
    preview = appetite_preview(org_a)
    assert [r.pk for r in preview.no_longer_above] == [risk.pk]
    assert (preview.above_in_force, preview.above_draft) == (1, 0)
    assert preview.money_in_force is None and preview.money_draft is None  # no risk in money, no points


def test_without_a_draft_there_is_no_preview(client, org_a, viewer, capsys):
    assert appetite_preview(org_a) is None
    response = client.get("/api/v1/orgs/org-a/risk-appetite/draft/preview/", **viewer.auth())
    assert response.status_code == 404
    assert main(["appetite", "preview", "org-a"]) == 1
    assert "no draft risk appetite to preview" in capsys.readouterr().err
    assert selectors.appetite_draft(org_a) is None
