"""The demo risk registers: realistic, idempotent, with the appetite states the demo shows off."""

import pytest

from accord.core.audit import verify_chain
from accord.core.demo import load_demo
from accord.core.models import Membership, Organization
from accord.risks import selectors
from accord.risks.choices import AppetiteStatus
from accord.risks.demo import synthetic_rows
from accord.risks.models import Risk, RiskAcceptance

DEMO_ORGS = ("nordpay", "harbour-health", "brightcart")


@pytest.fixture
def demo(db):
    lines = []
    load_demo(log=lines.append)
    return lines


def _counts():
    orgs = Organization.objects.filter(slug__in=DEMO_ORGS)
    return {o.slug: (Risk.objects.for_org(o).count(), RiskAcceptance.objects.for_org(o).count()) for o in orgs}


def test_each_demo_organisation_gets_a_register_of_20_to_60_risks(demo):
    counts = _counts()
    assert set(counts) == set(DEMO_ORGS)
    assert all(20 <= risks <= 60 for risks, _ in counts.values())
    assert any("demo risks in nordpay" in line for line in demo)


def test_loading_twice_changes_nothing_and_every_audit_chain_verifies(demo):
    before = _counts()
    load_demo(log=lambda line: None)
    assert _counts() == before
    for org in Organization.objects.all():
        report = verify_chain(org)
        assert report.ok, (org.slug, report.problem)


def test_the_registers_show_every_state_a_demo_needs(demo):
    for slug in DEMO_ORGS:
        org = Organization.objects.get(slug=slug)
        board = selectors.dashboard(org)
        register = list(selectors.risks(org))
        assert board.above_tolerance or board.above_tolerance_accepted, slug
        assert board.overdue_reviews and board.overdue_treatments, slug
        assert board.lapsed_acceptances, slug
        assert any(r.has_quant for r in register), slug
        assert any(r.tags for r in register), slug
        assert len({r.category_id for r in register}) == 7, slug
        assert len({r.owner_id for r in register}) >= 3, slug
        assert {a.state for a in selectors.acceptances(org)} >= {"in_force", "expired", "pending"}, slug


def test_nordpay_awaits_the_cio_on_a_new_appetite_while_the_old_one_is_in_force(demo):
    org = Organization.objects.get(slug="nordpay")
    status = selectors.appetite_status(org)
    assert status.in_force is not None and status.draft is not None
    assert status.draft.version == status.in_force.version + 1
    assert status.awaiting == ["CIO"]
    assert status.awaiting_people == ["Nordpay CIO"]
    assert [s.slot for s in status.draft.signatures.all()] == ["ciso"]


@pytest.mark.parametrize(("slug", "slots"),
                         [("harbour-health", {"cio", "ciso"}), ("brightcart", {"cio_ciso", "board"})])
def test_the_other_organisations_have_a_signed_appetite_and_no_draft(demo, slug, slots):
    org = Organization.objects.get(slug=slug)
    appetite = selectors.appetite_in_force(org)
    assert appetite is not None
    assert {s.slot for s in appetite.signatures.all()} == slots
    assert selectors.appetite_draft(org) is None
    assert [a.status for a in selectors.appetite_versions(org)] == [AppetiteStatus.IN_FORCE]


def test_scale_fills_an_organisation_named_scale_and_tops_it_up(db):
    lines = []
    load_demo(scale=30, log=lines.append)
    org = Organization.objects.get(slug="scale")
    assert Risk.objects.for_org(org).count() == 30
    assert "risks: scale 30 / 30" in lines
    load_demo(scale=45, log=lines.append)
    assert Risk.objects.for_org(org).count() == 45
    assert verify_chain(org).ok
    assert Membership.objects.for_org(org).filter(user__email="consultant@vciso.example", role="admin").exists()


def test_synthetic_rows_are_valid_varied_and_deterministic():
    rows = list(synthetic_rows(200, owners=("a@x.test",)))
    assert rows == list(synthetic_rows(200, owners=("a@x.test",)))
    assert [n for n, _ in rows] == list(range(2, 202))
    assert len({r["title"] for _, r in rows}) > 100
    assert all(r["residual_likelihood"] <= r["likelihood"] for _, r in rows)
    quant = [r for _, r in rows if "loss_low" in r]
    assert quant and all(r["loss_low"] < r["loss_high"] and r["frequency_low"] < r["frequency_high"] for r in quant)


def test_each_demo_register_is_in_money_with_fair_breakdowns_treatments_and_tolerance(demo):
    from accord.risks import quantified

    for slug in DEMO_ORGS:
        org = Organization.objects.get(slug=slug)
        risks = list(Risk.objects.for_org(org))
        assert 2 <= sum(r.fair is not None for r in risks) <= 3, slug
        treated = {r.pk for r in risks if r.control_links.filter(control__status="implemented").exists()}
        assert len(treated) >= 4, slug
        assert selectors.appetite_in_force(org).tolerance, slug
        scenario = quantified.portfolio_scenario(org)
        assert len(scenario["risks"]) >= 7 and scenario["controls"] and scenario["tolerance"], slug


def test_a_demo_loaded_before_the_money_view_gets_the_missing_money_data_once(demo):
    from accord.risks import services
    from accord.risks.demo import HARBOUR

    org = Organization.objects.get(slug="harbour-health")
    titles = [title for title, money in HARBOUR.money.items() if money.fair is not None]
    for risk in Risk.objects.for_org(org).filter(title__in=titles):
        services.do_update_risk(None, org, risk, {"fair": None})
    lines = []
    load_demo(log=lines.append)
    assert f"risks: money estimates added to {len(titles)} demo risks in harbour-health" in lines
    assert Risk.objects.for_org(org).filter(fair__isnull=False).count() == 3
    load_demo(log=lines.append)
    assert sum("money estimates added" in line for line in lines) == 1
    assert verify_chain(org).ok
