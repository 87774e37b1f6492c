"""Controls in the money view: the migration of the retired treatment fields leaves the figures unchanged, the
residual multiplies every implemented control, and each control's risk reduced is the difference of two
simulations with the same random numbers; yearly cost, ROSI, the ranking and why a control has no effect."""

from __future__ import annotations

import decimal

import pytest
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from accord.compliance import rules, selectors_controls, services_controls
from accord.compliance.models_controls import Control, ControlRisk
from accord.quant import parse_scenario, result_to_dict, simulate
from accord.risks import quantified, services
from tests.factories import make_member, make_org, treat

TEST_YEARS = 20_000
FAIR = {"tef": {"pert": [1, 4, 12]}, "vulnerability": {"uniform": [0.1, 0.3]},
        "primary_loss": {"lognormal_ci90": [20_000, 400_000]}}


@pytest.fixture(autouse=True)
def _fresh_cache(monkeypatch):
    monkeypatch.setattr(quantified, "YEARS", TEST_YEARS)
    cache.clear()
    quantified.forget_local()


def _risk(org, title, **extra):
    data = {"title": title, "category": "cyber_security", "likelihood": 3, "impact": 4,
            "frequency_low": "0.5", "frequency_high": "4", "loss_low": "10000", "loss_high": "400000", **extra}
    return services.do_create_risk(None, org, data)


# --- the migration ----------------------------------------------------------------------------------------

BEFORE = [("compliance", "0002_controls"), ("risks", "0009_privacy_categories_and_the_dpo_slot")]


def _old_scenario(org, effects):
    """The scenario as the register built it before controls (decision 0006): one control per risk with a
    treatment effect, named "treatment R-00n", with only the shares that were given."""
    scenario = quantified.portfolio_scenario(org)
    controls = []
    for ref, (frequency, loss) in effects.items():
        effect = {"risk": ref}
        if frequency is not None:
            effect["frequency"] = float(decimal.Decimal(frequency))
        if loss is not None:
            effect["magnitude"] = float(decimal.Decimal(loss))
        controls.append({"id": f"treatment {ref}", "effects": [effect]})
    return {**scenario, "controls": controls}


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_treatment_effects_into_controls_and_leaves_the_figures_unchanged():
    org = make_org("migrated", name="Migrated")
    owner = make_member(org, "ciso", email="owner@migrated.test")
    _risk(org, "Ransomware", owner=owner.user.email, treatment_plan="Offline backups")
    _risk(org, "Web breach", fair=FAIR)
    _risk(org, "Outage", frequency_low="1", frequency_high="6")
    _risk(org, "Untreated", loss_low="5000", loss_high="90000")
    effects = {"R-001": ("0.5", "0.25"), "R-002": ("0.3000", None), "R-003": (None, "0.6")}
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old_apps = executor.loader.project_state(BEFORE).apps
        OldRisk = old_apps.get_model("risks", "Risk")
        for ref, (frequency, loss) in effects.items():
            OldRisk._default_manager.filter(organization_id=org.pk, number=int(ref[2:])).update(
                treatment_frequency_reduction=frequency, treatment_loss_reduction=loss)
        before = result_to_dict(simulate(parse_scenario(_old_scenario(org, effects))))
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    controls = list(Control.objects.for_org(org).order_by("number"))
    assert [(c.ref, c.status, c.name) for c in controls] == [
        ("C-001", "implemented", "Treatment of R-001: Ransomware"),
        ("C-002", "implemented", "Treatment of R-002: Web breach"),
        ("C-003", "implemented", "Treatment of R-003: Outage")]
    assert controls[0].owner_id == owner.membership.pk and "Offline backups" in controls[0].description
    links = {(link.risk.ref, str(link.frequency_reduction), str(link.loss_reduction))
             for link in ControlRisk.objects.for_org(org).select_related("risk")}
    assert links == {("R-001", "0.5000", "0.2500"), ("R-002", "0.3000", "0.0000"), ("R-003", "0.0000", "0.6000")}
    after = quantified.portfolio_result(org)
    assert after["seed"] == before["seed"] and after["years"] == before["years"]
    for curve in ("inherent", "residual"):
        assert after[curve]["portfolio"] == before[curve]["portfolio"]
        assert after[curve]["risks"] == before[curve]["risks"]


# --- the residual and each control's effect ---------------------------------------------------------------

def test_the_residual_multiplies_every_implemented_control_and_ignores_planned_and_retired_ones(org_a):
    risk = _risk(org_a, "Ransomware")
    treat(org_a, risk, frequency="50%")
    treat(org_a, risk, frequency="0.5", loss="0.2")
    treat(org_a, risk, frequency="0.9", status="planned")
    treat(org_a, risk, frequency="0.9", status="retired")
    [item] = quantified.portfolio_result(org_a)["residual"]["risks"]
    assert item["frequency_factor"] == pytest.approx(0.25) and item["magnitude_factor"] == pytest.approx(0.8)


def test_a_controls_risk_reduced_is_the_difference_of_two_simulations_with_the_same_random_numbers(org_a):
    first, second, third = _risk(org_a, "Ransomware"), _risk(org_a, "Web breach", fair=FAIR), _risk(org_a, "Outage")
    backups = treat(org_a, first, frequency="0.4", loss="0.5", name="Offline backups")
    services_controls.do_link_control_risk(None, org_a, backups, third, loss_reduction="30%")
    mfa = treat(org_a, second, frequency="0.6", name="MFA everywhere")
    services_controls.do_link_control_risk(None, org_a, mfa, first, frequency_reduction="0.2")
    edr = treat(org_a, third, frequency="0.5", name="EDR", status="planned")
    table = selectors_controls.effectiveness(org_a)
    assert table.figures == quantified.FRESH
    by_ref = {row.control.ref: row for row in table.rows}
    scenario = quantified.portfolio_scenario(org_a)
    digits = 10 ** rules.minor_digits(org_a.currency)

    def ale(controls):
        return simulate(parse_scenario({**scenario, "controls": controls})).residual.portfolio.ale

    implemented = scenario["controls"]
    with_all = ale(implemented)
    assert table.residual_ale == round(with_all * digits)
    assert table.residual_ale == round(quantified.portfolio_result(org_a)["residual"]["portfolio"]["ale"] * digits)
    for control in (backups, mfa):
        without = ale([c for c in implemented if c["id"] != control.ref])
        assert by_ref[control.ref].reduced == round((without - with_all) * digits)
        assert by_ref[control.ref].reduced > 0
    planned = {"id": edr.ref, "effects": [{"risk": third.ref, "frequency": 0.5, "magnitude": 0.0}]}
    assert by_ref[edr.ref].reduced == round((with_all - ale([*implemented, planned])) * digits)
    assert by_ref[edr.ref].would_add and not by_ref[edr.ref].counts_in_residual


def test_yearly_cost_rosi_ranking_and_why_a_control_has_no_money_effect(org_a):
    org_a.day_rate = 80_000  # 800.00 EUR a person-day
    org_a.save(update_fields=["day_rate"])
    risk = _risk(org_a, "Ransomware")
    bare = services.do_create_risk(None, org_a, {"title": "No estimate", "category": "strategic", "likelihood": 2,
                                                 "impact": 2})
    cheap = treat(org_a, risk, frequency="0.5", name="Cheap")
    services_controls.do_update_control(None, org_a, cheap, {"run_cost": "100000", "build_cost": 300_000,
                                                             "run_days": "2.5"})
    costly = treat(org_a, risk, frequency="0.1", name="Costly")
    services_controls.do_update_control(None, org_a, costly, {"run_cost": 10**12})
    unestimated = treat(org_a, bare, frequency="0.5", name="On a risk without estimate")
    lonely = services_controls.do_create_control(None, org_a, {"name": "Linked to nothing", "status": "implemented"})
    table = selectors_controls.effectiveness(org_a)
    rows = {row.control.ref: row for row in table.rows}
    # 1,000.00 a year, 2.5 days at 800.00, and 3,000.00 spread over three years.
    assert rows[cheap.ref].yearly_cost == 100_000 + 200_000 + 100_000 and rows[cheap.ref].one_off_cost == 300_000
    assert rows[cheap.ref].rosi == pytest.approx((rows[cheap.ref].reduced - 400_000) / 400_000, rel=1e-6)
    assert rows[costly.ref].rosi < 0
    assert [row.control.ref for row in table.rows][:2] == [cheap.ref, costly.ref]
    assert rows[unestimated.ref].reduced is None and "No estimated risk" in rows[unestimated.ref].reason
    assert rows[lonely.ref].reduced is None and rows[lonely.ref].reason == "No risk is linked to it."
    assert rows[cheap.ref].reason is None


def test_rosi_has_no_value_for_a_control_that_costs_nothing():
    assert rules.rosi(1000.0, 0) is None
    assert rules.rosi(3000.0, 1000) == 2.0
    assert rules.yearly_cost(build_cost=0, run_cost=0, build_days=decimal.Decimal("3"), run_days=None,
                             day_rate=None) == 0


def test_the_database_refuses_an_effect_outside_0_to_1(org_a):
    risk = _risk(org_a, "Ransomware")
    control = services_controls.do_create_control(None, org_a, {"name": "Backups"})
    with pytest.raises(IntegrityError, match="control_risk_frequency_0_1"), transaction.atomic():
        ControlRisk.objects.for_org(org_a).create(organization=org_a, control=control, risk=risk,
                                                  frequency_reduction=decimal.Decimal("1.5"))
    with pytest.raises(IntegrityError, match="control_risk_loss_0_1"), transaction.atomic():
        ControlRisk.objects.for_org(org_a).create(organization=org_a, control=control, risk=risk,
                                                  loss_reduction=decimal.Decimal("-0.1"))


def test_every_control_write_appends_its_audit_event(org_a, ciso):
    from accord.core.audit import verify_chain
    from accord.core.models import AuditEvent

    risk = _risk(org_a, "Ransomware")
    start = AuditEvent.objects.for_org(org_a).count()
    control = services_controls.do_create_control(ciso.user, org_a, {"name": "Backups", "run_cost": 5})
    services_controls.do_update_control(ciso.user, org_a, control, {"status": "implemented"})
    link = services_controls.do_link_control_risk(ciso.user, org_a, control, risk, frequency_reduction="40%")
    services_controls.do_link_control_risk(ciso.user, org_a, control, risk, frequency_reduction="40%")  # no change
    services_controls.do_unlink_control_risk(ciso.user, org_a, link)
    events = list(AuditEvent.objects.for_org(org_a).order_by("seq")[start:])
    assert [(e.object_type, e.action) for e in events] == [
        ("compliance.control", "create"), ("compliance.control", "update"), ("compliance.controlrisk", "create"),
        ("compliance.controlrisk", "delete")]
    assert verify_chain(org_a).ok
