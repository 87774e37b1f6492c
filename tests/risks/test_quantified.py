"""The register in money: the scenario built from the register, the cached simulation, the figures the
pages and the API show, and the validation of the money fields."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.charts import LecMarker, LecSeries, LecSpec, compact_amount, format_probability, lec_svg
from accord.core.models import Organization
from accord.risks import quantified, services
from accord.risks.models import Risk
from tests.conftest import signed_in
from tests.factories import create_risk, make_org, sign_draft, treat

SVG = "{http://www.w3.org/2000/svg}"
Z90 = 1.6448536269514722
FAIR = {"tef": {"pert": [1, 4, 12]}, "vulnerability": {"uniform": [0.1, 0.3]},
        "primary_loss": {"lognormal_ci90": [20_000, 400_000]}}
TEST_YEARS = 20_000


@pytest.fixture(autouse=True)
def _fresh_cache(monkeypatch):
    """Few simulated years, and no result left by another test (the cache outlives a test's database)."""
    monkeypatch.setattr(quantified, "YEARS", TEST_YEARS)
    cache.clear()
    quantified.forget_local()


@pytest.fixture
def simulations(monkeypatch):
    """Counts the engine's simulations behind the cache."""
    calls = []
    real = quantified.simulate

    def counting(scenario, **kwargs):
        calls.append(scenario)
        return real(scenario, **kwargs)

    monkeypatch.setattr(quantified, "simulate", counting)
    return calls


def _risk(org, actor, **extra):
    data = {"title": "Ransomware", "category": "cyber_security", "likelihood": 3, "impact": 4, **extra}
    return create_risk(actor.user, org, data)


def _ranges(f_low, f_high, l_low, l_high):
    return {"frequency_low": f_low, "frequency_high": f_high, "loss_low": l_low, "loss_high": l_high}


def _sign(org, cio, ciso, tolerance):
    services.do_draft_appetite(ciso.user, org, statement="Appetite", category_levels={}, tolerance=tolerance)
    sign_draft(cio.user, org)
    sign_draft(ciso.user, org)


def _lognormal_mean(low, high):
    mu = (math.log(low) + math.log(high)) / 2
    sigma = (math.log(high) - math.log(low)) / (2 * Z90)
    return math.exp(mu + sigma**2 / 2)


# --- the scenario ---------------------------------------------------------------------------------------------

def test_ranges_make_a_compound_lognormal_risk_named_by_ref_and_title(org_a, ciso):
    _risk(org_a, ciso, title="Phishing", **_ranges("0.5", "4", "10000", "250000"))
    scenario = quantified.portfolio_scenario(org_a)
    assert scenario["risks"] == [{"id": "R-001", "name": "Phishing", "frequency": {"lognormal_ci90": [0.5, 4.0]},
                                  "magnitude": {"lognormal_ci90": [10000.0, 250000.0]}}]
    assert scenario["years"] == TEST_YEARS and scenario["currency"] == "EUR"
    assert "controls" not in scenario and "tolerance" not in scenario


def test_a_fair_breakdown_wins_over_the_ranges(org_a, ciso):
    _risk(org_a, ciso, fair=FAIR, **_ranges("0.5", "4", "10000", "250000"))
    (risk,) = quantified.portfolio_scenario(org_a)["risks"]
    assert risk == {"id": "R-001", "name": "Ransomware", "fair": FAIR}


def test_only_open_risks_with_a_whole_estimate_are_simulated(org_a, ciso):
    _risk(org_a, ciso, title="No estimate")
    _risk(org_a, ciso, title="Closed", status="closed", **_ranges("1", "2", "100", "200"))
    _risk(org_a, ciso, title="Open", **_ranges("1", "2", "100", "200"))
    _risk(org_a, ciso, title="Fair only", fair=FAIR)
    assert [r["id"] for r in quantified.portfolio_scenario(org_a)["risks"]] == ["R-003", "R-004"]


def test_implemented_controls_are_the_scenario_controls_with_their_effect_on_each_risk(org_a, ciso):
    _risk(org_a, ciso, treatment_frequency_reduction="0.5", **_ranges("1", "2", "100", "200"))
    _risk(org_a, ciso, treatment_loss_reduction="25%", fair=FAIR)
    third = _risk(org_a, ciso, treatment_frequency_reduction=0.1, treatment_loss_reduction=0.2,
                  **_ranges("1", "2", "100", "200"))
    bare = _risk(org_a, ciso)  # no estimate: a control's effect on it is not simulated
    treat(org_a, bare, frequency="0.3")
    treat(org_a, third, frequency="0.9", status="planned")  # would add; not in the residual
    assert quantified.portfolio_scenario(org_a)["controls"] == [
        {"id": "C-001", "effects": [{"risk": "R-001", "frequency": 0.5, "magnitude": 0.0}]},
        {"id": "C-002", "effects": [{"risk": "R-002", "frequency": 0.0, "magnitude": 0.25}]},
        {"id": "C-003", "effects": [{"risk": "R-003", "frequency": 0.1, "magnitude": 0.2}]},
    ]


def test_tolerance_comes_from_the_appetite_in_force_never_from_a_draft(org_a, cio, ciso):
    _risk(org_a, ciso, **_ranges("1", "2", "100", "200"))
    services.do_draft_appetite(ciso.user, org_a, statement="Draft", category_levels={},
                               tolerance=[[1_000_000, 0.05]])
    assert "tolerance" not in quantified.portfolio_scenario(org_a)
    sign_draft(cio.user, org_a)
    sign_draft(ciso.user, org_a)
    assert quantified.portfolio_scenario(org_a)["tolerance"] == [[1_000_000.0, 0.05]]
    services.do_draft_appetite(ciso.user, org_a, statement="Stricter", category_levels={},
                               tolerance=[[500_000, 0.01]])
    assert quantified.portfolio_scenario(org_a)["tolerance"] == [[1_000_000.0, 0.05]]


def test_the_seed_is_stable_per_organisation_and_differs_between_them(org_a, org_b, ciso):
    seed = quantified.portfolio_seed(org_a)
    _risk(org_a, ciso, **_ranges("1", "2", "100", "200"))
    assert quantified.portfolio_seed(Organization.objects.get(pk=org_a.pk)) == seed  # whatever the register holds
    assert quantified.portfolio_seed(org_a) != quantified.portfolio_seed(org_b)
    assert 0 <= quantified.portfolio_seed(org_a) < 2**53  # exact in JavaScript


def test_more_than_500_risks_simulate_fewer_years():
    assert quantified.years_for(1) == quantified.years_for(500) == TEST_YEARS
    assert quantified.years_for(1000) == TEST_YEARS // 2
    assert quantified.years_for(10**6) == quantified.MIN_YEARS


# --- the result and its cache ---------------------------------------------------------------------------------

def test_without_estimates_there_is_no_result(org_a, ciso, simulations):
    _risk(org_a, ciso)
    assert quantified.portfolio_result(org_a) is None
    assert quantified.risk_money(org_a) == {}
    assert simulations == []


def test_the_result_maps_refs_to_risks_and_gives_each_its_figures(org_a, ciso):
    plain = _risk(org_a, ciso, **_ranges("1", "3", "1000", "20000"))
    treated = _risk(org_a, ciso, treatment_frequency_reduction="0.5", treatment_loss_reduction="0.5",
                    **_ranges("1", "3", "1000", "20000"))
    result = quantified.portfolio_result(org_a)
    assert result["risk_ids"] == {"R-001": plain.pk, "R-002": treated.pk}
    money = quantified.risk_money(org_a)
    assert not money[plain.pk].treated and money[plain.pk].residual == money[plain.pk].inherent
    assert money[treated.pk].treated
    assert money[treated.pk].residual.ale < 0.5 * money[treated.pk].inherent.ale
    total = result["inherent"]["portfolio"]["ale"]
    assert money[plain.pk].share_inherent + money[treated.pk].share_inherent == pytest.approx(1.0)
    assert money[plain.pk].inherent.ale == pytest.approx(total * money[plain.pk].share_inherent)
    assert money[plain.pk].years == TEST_YEARS


def test_a_second_call_is_served_from_the_shared_cache(org_a, ciso, simulations):
    _risk(org_a, ciso, **_ranges("1", "3", "1000", "20000"))
    first = quantified.portfolio_result(org_a)
    quantified.forget_local()  # as another worker process would start
    second = quantified.portfolio_result(org_a)
    assert len(simulations) == 1
    assert second == first


def test_a_changed_estimate_is_simulated_again(org_a, ciso, simulations):
    risk = _risk(org_a, ciso, **_ranges("1", "3", "1000", "20000"))
    before = quantified.portfolio_result(org_a)["inherent"]["portfolio"]["ale"]
    services.do_update_risk(ciso.user, org_a, risk, {"loss_high": "40000"})
    after = quantified.portfolio_result(org_a)["inherent"]["portfolio"]["ale"]
    assert len(simulations) == 2 and after > before
    quantified.portfolio_result(org_a)
    assert len(simulations) == 2


def test_a_newly_signed_tolerance_is_simulated_again(org_a, cio, ciso, simulations):
    _risk(org_a, ciso, **_ranges("1", "3", "1000", "20000"))
    assert quantified.portfolio_result(org_a)["inherent"]["tolerance"] is None
    _sign(org_a, cio, ciso, [[10_000, 0.5]])
    tolerance = quantified.portfolio_result(org_a)["inherent"]["tolerance"]
    assert [p["loss"] for p in tolerance["points"]] == [10_000.0]
    assert len(simulations) == 2


def test_a_stored_breakdown_the_engine_refuses_leaves_the_risk_out_not_the_page_down(org_a, ciso):
    good = _risk(org_a, ciso, **_ranges("1", "3", "1000", "20000"))
    bad = _risk(org_a, ciso, fair=FAIR, treatment_frequency_reduction="0.5")
    # As if stored before a rule existed (no service would store it now).
    Risk.objects.for_org(org_a).filter(pk=bad.pk).update(fair={**FAIR, "tef": {"pert": [5, 2, 8]}})
    result = quantified.portfolio_result(org_a)
    assert [r["id"] for r in result["inherent"]["risks"]] == ["R-001"]
    assert result["excluded"] == [{"id": "R-002", "problem": "fair.tef.pert: low 5 > mode 2"}]
    assert set(quantified.risk_money(org_a)) == {good.pk}


# --- validation of the money fields -----------------------------------------------------------------------------

@pytest.mark.parametrize(("fair", "message"), [
    ({**FAIR, "tef": {"pert": [5, 2, 8]}}, "fair.tef.pert: low 5 > mode 2"),
    ({"tef": 2, "vulnerability": 0.5}, "fair.primary_loss: missing"),
    ({**FAIR, "vulnerability": {"uniform": [0.1, 1.2]}}, "fair.vulnerability.uniform: high 1.2 must be <= 1"),
    ({**FAIR, "primary_los": 1}, "fair.primary_los: unknown field"),
    ('{"tef": 2,', "Not valid JSON"),
    ('{"tef": 1' + "0" * 400 + ', "vulnerability": 0.5, "primary_loss": 1}', "fair.tef: expected a finite number"),
    ('{"tef": 1' + "0" * 5000 + "}", "fair: a number is too large"),
    ("[1, 2]", "Give an object"),
])
def test_a_bad_fair_breakdown_is_refused_naming_the_path(org_a, ciso, fair, message):
    with pytest.raises(ValidationError, match=re.escape(message)) as caught:
        _risk(org_a, ciso, fair=fair)
    assert list(caught.value.message_dict) == ["fair"]
    assert caught.value.message_dict["fair"][0].startswith(message)


def test_a_fair_breakdown_is_accepted_as_json_text_and_stored_as_an_object(org_a, ciso):
    risk = _risk(org_a, ciso, fair='{"tef": 2, "vulnerability": 0.5, "primary_loss": {"uniform": [10, 20]}}')
    assert risk.fair == {"tef": 2, "vulnerability": 0.5, "primary_loss": {"uniform": [10, 20]}}
    assert services.do_update_risk(ciso.user, org_a, risk, {"fair": ""}).fair is None


@pytest.mark.parametrize(("value", "stored"), [
    ("0.5", "0.5000"), (0.25, "0.2500"), ("40%", "0.4000"), (" 12.5 % ", "0.1250"), (1, "1.0000"), ("0", "0.0000"),
])
def test_reductions_accept_shares_and_percentages(org_a, ciso, value, stored):
    risk = _risk(org_a, ciso, treatment_frequency_reduction=value, treatment_loss_reduction=value)
    link = risk.control_links.get()
    assert str(link.frequency_reduction) == str(link.loss_reduction) == stored


@pytest.mark.parametrize(("value", "message"), [
    ("1.5", "1.5 is outside 0 to 1"), ("-0.1", "-0.1 is outside 0 to 1"), ("150%", "150% is outside 0 to 1"),
    ("-5%", "-5% is outside 0 to 1"), ("nan", "nan is outside 0 to 1"), ("half", "'half' is not a share"),
    (True, "'True' is not a share"),
])
def test_reductions_outside_0_to_1_are_refused(org_a, ciso, value, message):
    with pytest.raises(ValidationError, match=re.escape(message)) as caught:
        _risk(org_a, ciso, treatment_frequency_reduction=value, treatment_loss_reduction=value)
    assert set(caught.value.message_dict) == {"frequency_reduction", "loss_reduction"}


def test_an_event_rate_beyond_what_the_engine_simulates_is_refused(org_a, ciso):
    with pytest.raises(ValidationError, match="above the limit of 1000000 events per year") as caught:
        _risk(org_a, ciso, **_ranges("1", "2000000", "10", "20"))
    assert list(caught.value.message_dict) == ["frequency_high"]


def test_money_fields_are_audited(org_a, ciso):
    risk = _risk(org_a, ciso)
    services.do_update_risk(ciso.user, org_a, risk, {"fair": FAIR})
    from accord.core.models import AuditEvent

    event = AuditEvent.objects.for_org(org_a).filter(object_type="risks.risk").order_by("-seq").first()
    assert set(event.changes) == {"fair"}


# --- the API ---------------------------------------------------------------------------------------------------

STATS = {"ale", "ale_standard_error", "p50", "p90", "p95", "p99", "var_99", "es_99", "prob_any_loss", "lec"}


def test_the_api_answers_the_result_shape_and_the_ale_matches_the_closed_form(client, org_a, cio, ciso):
    estimates = [("0.5", "4", "10000", "250000"), ("2", "10", "1000", "30000"), ("0.05", "0.5", "100000", "5000000")]
    for n, values in enumerate(estimates):
        _risk(org_a, ciso, title=f"Risk {n}", treatment_frequency_reduction="0.5" if n == 0 else None,
              **_ranges(*values))
    _sign(org_a, cio, ciso, [[100_000, 0.2], [1_000_000, 0.05]])
    body = client.get("/api/v1/orgs/org-a/quant/portfolio/", **ciso.auth()).json()
    assert set(body) == {"years", "seed", "currency", "inherent", "residual", "excluded", "figures"}
    assert body["figures"] == "fresh"  # tests run the simulation where it is asked (immediate mode)
    assert body["years"] == TEST_YEARS and body["currency"] == "EUR" and body["excluded"] == []
    for evaluation in (body["inherent"], body["residual"]):
        assert set(evaluation) == {"risks", "portfolio", "tolerance"}
        assert set(evaluation["portfolio"]) == STATS
        assert [r["id"] for r in evaluation["risks"]] == ["R-001", "R-002", "R-003"]
        assert all(set(r) == STATS | {"id", "model", "frequency_factor", "magnitude_factor"}
                   for r in evaluation["risks"])
        assert set(evaluation["tolerance"]) == {"within", "borderline", "points"}
        assert [p["loss"] for p in evaluation["tolerance"]["points"]] == [100_000, 1_000_000]
    assert body["residual"]["risks"][0]["frequency_factor"] == 0.5
    expected = sum(_lognormal_mean(float(a), float(b)) * _lognormal_mean(float(c), float(d))
                   for a, b, c, d in estimates)
    portfolio = body["inherent"]["portfolio"]
    assert abs(portfolio["ale"] - expected) < 4 * portfolio["ale_standard_error"]
    assert portfolio["ale"] == quantified.portfolio_result(org_a)["inherent"]["portfolio"]["ale"]  # what the page shows


def test_the_api_answer_is_exactly_what_its_documented_schema_gives(client, org_a, cio, ciso):
    from accord.risks.api.money import PortfolioOut

    _risk(org_a, ciso, title="Ranges", treatment_frequency_reduction="0.5", **_ranges("0.5", "4", "10000", "250000"))
    _risk(org_a, ciso, title="FAIR", fair={"tef": 2, "tcap": {"uniform": [0, 1]}, "rs": 0.75, "primary_loss": 1000})
    _sign(org_a, cio, ciso, [[100_000, 0.2]])
    response = client.get("/api/v1/orgs/org-a/quant/portfolio/", **ciso.auth())
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert PortfolioOut.model_validate(body).model_dump(mode="json", exclude_unset=True) == body
    again = client.get("/api/v1/orgs/org-a/quant/portfolio/", **ciso.auth())
    assert again.content == response.content  # the cached encoding
    _risk(org_a, ciso, title="Third", **_ranges("1", "2", "100", "1000"))  # a changed register re-encodes
    assert len(client.get("/api/v1/orgs/org-a/quant/portfolio/", **ciso.auth()).json()["inherent"]["risks"]) == 3


def test_the_api_gives_fair_risks_their_susceptibility(client, org_a, ciso):
    _risk(org_a, ciso, fair={"tef": 2, "tcap": {"uniform": [0, 1]}, "rs": 0.75, "primary_loss": 1000})
    (risk,) = client.get("/api/v1/orgs/org-a/quant/portfolio/", **ciso.auth()).json()["inherent"]["risks"]
    assert risk["model"] == "fair" and risk["susceptibility"] == pytest.approx(0.25)


def test_without_estimates_the_api_answers_an_empty_portfolio(client, org_a, cio, ciso, viewer):
    _risk(org_a, ciso)
    _sign(org_a, cio, ciso, [[100_000, 0.2]])
    response = client.get("/api/v1/orgs/org-a/quant/portfolio/", **viewer.auth())
    assert response.status_code == 200
    body = response.json()
    assert body["years"] == 0 and body["residual"] is None and body["inherent"]["risks"] == []
    assert set(body["inherent"]["portfolio"]) == STATS
    assert body["inherent"]["portfolio"]["ale"] == 0 and body["inherent"]["portfolio"]["lec"] == []
    assert body["inherent"]["tolerance"]["within"] is True


def test_the_risk_detail_carries_its_money_or_null(client, org_a, ciso):
    estimated = _risk(org_a, ciso, treatment_loss_reduction="50%", **_ranges("1", "3", "1000", "20000"))
    bare = _risk(org_a, ciso)
    body = client.get(f"/api/v1/orgs/org-a/risks/{estimated.pk}/", **ciso.auth()).json()
    money = body["money"]
    assert set(money) == {"currency", "years", "model", "treated", "inherent", "residual"}
    assert set(money["inherent"]) == {"ale", "ale_standard_error", "p90", "p99", "prob_any_loss"}
    assert money["treated"] and money["residual"]["ale"] == pytest.approx(money["inherent"]["ale"] / 2)
    assert "treatment_loss_reduction" not in body and body["fair"] is None
    assert client.get(f"/api/v1/orgs/org-a/risks/{bare.pk}/", **ciso.auth()).json()["money"] is None


def test_the_api_takes_a_fair_object_and_a_percentage(client, org_a, ciso):
    response = client.post("/api/v1/orgs/org-a/risks/", {
        "title": "Web breach", "category": "cyber_security", "likelihood": 2, "impact": 3, "fair": FAIR},
        content_type="application/json", **ciso.auth())
    assert response.status_code == 201, response.content
    assert response.json()["fair"] == FAIR
    response = client.post("/api/v1/orgs/org-a/risks/", {
        "title": "Bad", "category": "cyber_security", "likelihood": 2, "impact": 3,
        "fair": {**FAIR, "tef": {"pert": [5, 2, 8]}}}, content_type="application/json", **ciso.auth())
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "fair", "message": "fair.tef.pert: low 5 > mode 2"}]


# --- the pages ---------------------------------------------------------------------------------------------------

def _plain(html):
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _svg(response):
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    root = ET.fromstring(response.content)  # noqa: S314 - markup the code under test made
    assert root.tag == f"{SVG}svg" and root.get("role") == "img" and root.get("aria-label")
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
    assert not [e for e in root.iter() if e.get("style") is not None]
    return root


def test_the_portfolio_page_compares_the_curve_with_the_signed_tolerance(org_a, cio, ciso, viewer):
    _risk(org_a, ciso, title="Ransomware on the EPR", treatment_frequency_reduction="0.9",
          **_ranges("1", "3", "100000", "1000000"))
    _risk(org_a, ciso, title="Lost laptops", **_ranges("2", "6", "1000", "5000"))
    _sign(org_a, cio, ciso, [[10_000, 0.99], [1_000_000, 0.05]])
    html = signed_in(viewer).get("/o/org-a/risks/money/").content.decode()
    text = _plain(html)
    assert 'src="/o/org-a/risks/money/lec.svg"' in html
    # Ten times fewer ransomware attacks after treatment bring the 1 M EUR point within tolerance.
    assert "Residual: ✓ within tolerance at every point" in text
    assert "Inherent: ✗ outside tolerance at 1 M EUR" in text
    row = re.search(r"1 M EUR 5 % ✗ outside tolerance (\S+) % ± (\S+) % ✓ within tolerance", text)
    assert row is not None  # each point: the simulated probability ± its standard error, inherent and residual
    assert text.index("Ransomware on the EPR") < text.index("Lost laptops")  # the largest ALE first
    assert "Risk appetite version 1" in text


def test_the_portfolio_page_explains_how_to_add_estimates(org_a, ciso, viewer):
    _risk(org_a, ciso)
    text = signed_in(viewer).get("/o/org-a/risks/money/").content.decode()
    assert "No risk has a money estimate yet" in text and "Money</strong> section" in text


def test_the_money_page_is_in_the_navigation(org_a, viewer):
    text = signed_in(viewer).get("/o/org-a/risks/money/").content.decode()
    assert 'class="nav-link active" href="/o/org-a/risks/money/">Money' in text


def test_the_portfolio_curve_is_an_svg_with_both_curves_and_the_tolerance_markers(org_a, cio, ciso, viewer):
    _risk(org_a, ciso, treatment_loss_reduction="0.5", **_ranges("1", "3", "1000", "20000"))
    _sign(org_a, cio, ciso, [[10_000, 0.5], [50_000, 0.01]])
    client = signed_in(viewer)
    response = client.get("/o/org-a/risks/money/lec.svg")
    root = _svg(response)
    assert response["Content-Disposition"].startswith("inline;")
    assert [p.find(f"{SVG}title").text for p in root.iter(f"{SVG}polyline")] == [
        "Inherent", "Residual (after treatment)"]
    markers = [g.find(f"{SVG}title").text for g in root.iter(f"{SVG}g")]
    assert len(markers) == 2 and all(m.startswith("Tolerance: P(loss > ") for m in markers)
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "10 k" in labels and "100 %" in labels and "1 %" in labels  # a log probability axis, per decade
    assert "0 %" not in labels  # no zero line for the tail's tolerance points to vanish on
    download = client.get("/o/org-a/risks/money/lec.svg?download=1")
    assert re.match(r'attachment; filename="org-a-loss-exceedance-\d{4}-\d\d-\d\d\.svg"',
                    download["Content-Disposition"])


def test_the_portfolio_curve_without_estimates_says_so(org_a, viewer):
    root = _svg(signed_in(viewer).get("/o/org-a/risks/money/lec.svg"))
    assert "No risk has a money estimate yet." in [t.text for t in root.iter(f"{SVG}text")]


def test_the_risk_page_shows_the_risk_in_money_and_its_curve(org_a, ciso, viewer):
    risk = _risk(org_a, ciso, fair=FAIR, treatment_frequency_reduction="50%")
    text = re.sub(r"\s+", " ", signed_in(viewer).get(f"/o/org-a/risks/register/{risk.pk}/").content.decode())
    assert "Open FAIR breakdown" in text and "Threat events per year" in text
    assert "C-001 Treatment of R-001" in text and "prevents 50 % of the events" in text
    for label in ("Mean (ALE)", "Bad year, 1 in 10 (p90)", "Very bad year, 1 in 100 (p99)",
                  "Probability of any loss in a year"):
        assert label in text
    assert f'src="/o/org-a/risks/register/{risk.pk}/lec.svg"' in text
    assert re.search(r'alt="\d[\d,]* simulated years\. Inherent: mean annual loss', text)
    root = _svg(signed_in(viewer).get(f"/o/org-a/risks/register/{risk.pk}/lec.svg"))
    assert len(list(root.iter(f"{SVG}polyline"))) == 2


def test_a_risk_without_estimate_has_no_curve_but_an_explanation(org_a, ciso, viewer):
    risk = _risk(org_a, ciso)
    client = signed_in(viewer)
    assert "No estimate yet" in client.get(f"/o/org-a/risks/register/{risk.pk}/").content.decode()
    root = _svg(client.get(f"/o/org-a/risks/register/{risk.pk}/lec.svg"))
    assert list(root.iter(f"{SVG}polyline")) == []


def test_the_register_shows_ale_and_p90_and_leaves_them_blank_without_estimate(org_a, ciso, viewer):
    _risk(org_a, ciso, title="Estimated", **_ranges("1", "3", "1000", "20000"))
    _risk(org_a, ciso, title="Unknown")
    body = signed_in(viewer).get("/o/org-a/risks/register/").content.decode()
    money = quantified.risk_money(org_a)
    (figures,) = money.values()
    rows = re.findall(r"<tr>.*?</tr>", body, flags=re.S)
    estimated = next(r for r in rows if "Estimated" in r)
    unknown = next(r for r in rows if "Unknown" in r)
    assert compact_amount(figures.ale) in estimated and compact_amount(figures.p90) in estimated
    assert re.findall(r'<td class="text-end text-nowrap">\s*</td>', unknown) != []
    assert "ALE" in body and "P90" in body


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/o/org-a/risks/register/", "/o/org-a/risks/money/", "/o/org-a/risks/money/lec.svg"])
def test_money_pages_cost_the_same_queries_for_3_or_40_estimated_risks(org_a, cio, ciso, url):
    _sign(org_a, cio, ciso, [[100_000, 0.1]])
    for n in range(3):
        _risk(org_a, ciso, title=f"Risk {n}", treatment_frequency_reduction="0.3", **_ranges("1", "3", "1000", "20000"))
    client = signed_in(ciso)
    client.get(url)  # warms the cache (and stores the organisation in the session)
    small = _queries(client, url)
    for n in range(3, 40):
        _risk(org_a, ciso, title=f"Risk {n}", fair=FAIR if n % 2 else None,
              **(_ranges("1", "3", "1000", "20000") if n % 2 == 0 else {}))
    client.get(url)
    assert _queries(client, url) == small


def test_the_money_section_saves_a_breakdown_in_place(org_a, ciso):
    risk = _risk(org_a, ciso)
    client = signed_in(ciso)
    url = f"/o/org-a/risks/register/{risk.pk}/sections/money/edit/"
    form = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'name="fair"' in form and "treatment_frequency_reduction" not in form
    response = client.post(url, {"fair": '{"tef": {"pert": [5, 2, 8]}, "vulnerability": 0.1, "primary_loss": 9}'},
                           HTTP_HX_REQUEST="true")
    assert "fair.tef.pert: low 5 &gt; mode 2" in response.content.decode()
    response = client.post(url, {"fair": '{"tef": 2, "vulnerability": 0.1, '
                                 '"primary_loss": {"lognormal_ci90": [1000, 9000]}}'}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "In money" in response.content.decode()
    risk.refresh_from_db()
    assert risk.fair["tef"] == 2
    edit = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "&quot;tef&quot;: 2" in edit


# --- the chart ------------------------------------------------------------------------------------------------

def test_the_curve_scales_its_money_axis_by_decades_and_marks_verdicts():
    spec = LecSpec(title="Curve", description="Two series", currency="EUR",
                   series=[LecSeries("Inherent", [(1_000, 0.9), (10_000, 0.5), (1_000_000, 0.0)]),
                           LecSeries("Residual", [(1_000, 0.5), (10_000, 0.2), (1_000_000, 0.0)])],
                   markers=[LecMarker(5_000_000, 0.01, 0.0, ok=True), LecMarker(10_000, 0.1, 0.2, ok=False)])
    root = ET.fromstring(lec_svg(spec, heading=True).encode())  # noqa: S314 - markup the code under test made
    labels = [t.text for t in root.iter(f"{SVG}text")]
    decades = ["1 k", "10 k", "100 k", "1 M", "10 M"]
    assert [s for s in labels if s in decades] == decades
    assert "Curve" in labels  # the downloaded image carries its title
    assert any(s and s.startswith("✓ 5 M") for s in labels) and any(s and s.startswith("✗ 10 k") for s in labels)
    dashes = [p.get("stroke-dasharray") for p in root.iter(f"{SVG}polyline")]
    assert dashes == [None, "8 5"]  # the curves differ by more than colour


def test_compact_money_and_probabilities_read_like_a_person_writes_them():
    assert [compact_amount(x) for x in (950, 8_400, 12_345, 250_000, 1_250_000, 2.5e9)] == [
        "950", "8.4 k", "12.3 k", "250 k", "1.25 M", "2.5 bn"]
    assert [format_probability(p) for p in (0.5, 0.05, 0.0123, 0.0004, 0)] == ["50 %", "5 %", "1.2 %", "0.04 %", "0 %"]


def test_another_organisations_register_never_shares_a_result(org_a, ciso, outsider):
    other = make_org("org-c")
    _risk(org_a, ciso, **_ranges("1", "3", "1000", "20000"))
    services.do_create_risk(None, other, {"title": "Ransomware", "category": "cyber_security", "likelihood": 3,
                                          "impact": 4, **_ranges("1", "3", "1000", "20000")})
    a, c = quantified.portfolio_result(org_a), quantified.portfolio_result(other)
    assert a["seed"] != c["seed"] and a["inherent"]["portfolio"]["ale"] != c["inherent"]["portfolio"]["ale"]
    assert set(a["risk_ids"].values()).isdisjoint(c["risk_ids"].values())


def test_an_unchanged_register_is_not_read_again_and_an_unrelated_write_does_not_simulate_again(
        org_a, ciso, simulations):
    from tests.factories import make_member

    _risk(org_a, ciso, **_ranges("1", "3", "1000", "20000"))
    quantified.portfolio_result(org_a)
    with CaptureQueriesContext(connection) as ctx:
        quantified.portfolio_result(org_a)
    assert len(ctx.captured_queries) == 1  # the audit chain's head: the organisation's data did not move
    make_member(org_a, "viewer")  # an audited write elsewhere: the inputs are read again, the result is the same
    with CaptureQueriesContext(connection) as ctx:
        quantified.portfolio_result(org_a)
    assert len(ctx.captured_queries) > 1 and len(simulations) == 1
