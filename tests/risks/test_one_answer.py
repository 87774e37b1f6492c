"""One answer per rule: overdue reviews and treatments, a risk's money and the tolerance verdict are
computed once (the register's query, one selector, the engine) and every front (API, CLI, pages) reads
that answer, so they cannot disagree."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.core.cache import cache

from accord.cli import main
from accord.core.clock import org_today
from accord.quant.results import BORDERLINE_SE, tolerance_verdict
from accord.risks import quantified, selectors, services
from accord.risks.choices import RiskStatus
from tests.conftest import signed_in
from tests.factories import sign_draft

API = "/api/v1/orgs/org-a"
PAGES = "/o/org-a/risks"


@pytest.fixture(autouse=True)
def _fresh_cache(monkeypatch):
    monkeypatch.setattr(quantified, "YEARS", 5_000)
    cache.clear()
    quantified.forget_local()


def _risk(org, actor, **extra):
    data = {"title": "Ransomware", "category": "cyber_security", "likelihood": 3, "impact": 4, **extra}
    return services.do_create_risk(actor.user, org, data)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _cli_flags(capsys) -> dict[str, set[str]]:
    assert main(["risk", "list", "org-a"]) == 0
    lines = capsys.readouterr().out.splitlines()
    return {line.split("\t")[0]: set(line.split("\t")[2].split(",")) - {"-"} for line in lines}


# --- overdue ---------------------------------------------------------------------------------------------

@pytest.fixture
def overdue_register(org_a, ciso):
    past = org_today(org_a) - dt.timedelta(days=3)
    future = org_today(org_a) + dt.timedelta(days=3)
    _risk(org_a, ciso, title="Both late", next_review=past.isoformat(), treatment_due=past.isoformat())
    _risk(org_a, ciso, title="Closed and late", status=RiskStatus.CLOSED, next_review=past.isoformat(),
          treatment_due=past.isoformat())
    # "Accepted" is derived from an acceptance in force, never typed (decision 0021): the owner accepts it.
    accepted = _risk(org_a, ciso, title="Accepted and late", owner=ciso.user.email, next_review=past.isoformat(),
                     treatment_due=past.isoformat())
    acceptance = services.do_request_acceptance(ciso.user, org_a, accepted, justification="Lives with it",
                                                expires_on=future + dt.timedelta(days=30))
    if acceptance.status != "in_force":
        services.do_sign_acceptance(ciso.user, org_a, acceptance)
    _risk(org_a, ciso, title="On time", next_review=future.isoformat(), treatment_due=future.isoformat())
    # ref → (review overdue, treatment overdue)
    return {"R-001": (True, True), "R-002": (False, False), "R-003": (True, False), "R-004": (False, False)}


def test_the_register_query_annotates_overdue_reviews_and_treatments(org_a, overdue_register):
    got = {r.ref: (r.review_overdue, r.treatment_overdue) for r in selectors.risks(org_a)}
    assert got == overdue_register


def test_api_cli_and_pages_agree_on_what_is_overdue(client, org_a, ciso, viewer, overdue_register, capsys):
    items = client.get(f"{API}/risks/", **ciso.auth()).json()["items"]
    api = {r["ref"]: (r["review_overdue"], r["treatment_overdue"]) for r in items}
    assert api == overdue_register
    for ref, expected in overdue_register.items():
        one = client.get(f"{API}/risks/{ref}/", **ciso.auth()).json()
        assert (one["review_overdue"], one["treatment_overdue"]) == expected

    flags = _cli_flags(capsys)
    cli = {ref: ("review-overdue" in f, "treatment-overdue" in f) for ref, f in flags.items()}
    assert cli == overdue_register

    browser = signed_in(viewer)
    listing = _text(browser.get(f"{PAGES}/register/").content.decode())
    for ref, (review, _) in overdue_register.items():
        row = re.search(rf"{ref} .*?(?= R-\d{{3}} |$)", listing)
        assert row is not None
        assert ("overdue" in row.group(0)) is review, ref
    for ref, (review, treatment) in overdue_register.items():
        risk = selectors.access_risk(org_a, ref)
        page = _text(browser.get(f"{PAGES}/register/{risk.pk}/").content.decode())
        assert bool(re.search(r"Next review \S+ \S+ \S+ overdue", page)) is review, ref
        assert bool(re.search(r"Due \S+ \S+ \S+ overdue", page)) is treatment, ref


def test_the_dashboard_lists_the_same_overdue_risks(org_a, overdue_register):
    board = selectors.dashboard(org_a)
    assert {r.ref for r in board.overdue_reviews} == {k for k, (v, _) in overdue_register.items() if v}
    assert {r.ref for r in board.overdue_treatments} == {k for k, (_, t) in overdue_register.items() if t}


def test_the_overdue_filter_reads_the_same_annotation(client, org_a, ciso, overdue_register):
    items = client.get(f"{API}/risks/?overdue_review=true", **ciso.auth()).json()["items"]
    assert [r["ref"] for r in items] == [k for k, (v, _) in overdue_register.items() if v]


# --- a risk's money -------------------------------------------------------------------------------------------

def test_the_risk_page_and_the_api_read_one_selector_for_a_risks_money(client, org_a, ciso, viewer,
                                                                         monkeypatch):
    risk = _risk(org_a, ciso, frequency_low="1", frequency_high="3", loss_low="1000", loss_high="20000")
    planted = quantified.RiskMoneyState(money=None, problem="planted: the one answer")
    monkeypatch.setattr(quantified, "money_of", lambda org, r: planted)
    body = client.get(f"{API}/risks/{risk.pk}/", **ciso.auth()).json()
    assert body["money"] is None and body["money_problem"] == "planted: the one answer"
    page = _text(signed_in(viewer).get(f"{PAGES}/register/{risk.pk}/").content.decode())
    assert "planted: the one answer" in page


def test_a_risks_money_is_its_figures_from_the_portfolio_or_none(org_a, ciso):
    estimated = _risk(org_a, ciso, frequency_low="1", frequency_high="3", loss_low="1000", loss_high="20000")
    bare = _risk(org_a, ciso, title="No estimate")
    state = quantified.money_of(org_a, estimated)
    assert state.problem is None
    assert state.money is not None
    assert state.money.inherent.ale == quantified.risk_money(org_a)[estimated.pk].inherent.ale
    assert quantified.money_of(org_a, bare) == quantified.RiskMoneyState(money=None, problem=None)


# --- the borderline tolerance verdict --------------------------------------------------------------------------

def test_the_engine_calls_a_verdict_borderline_within_two_standard_errors_of_its_limit():
    years = 10_000
    se = (0.1 * 0.9 / years) ** 0.5
    assert BORDERLINE_SE == 2.0
    assert tolerance_verdict(1000.0, 0.1, 0.1, years).borderline
    assert tolerance_verdict(1000.0, 0.1 + 1.9 * se, 0.1, years).borderline
    assert not tolerance_verdict(1000.0, 0.1 + 2.1 * se, 0.1, years).borderline
    assert not tolerance_verdict(1000.0, 0.5, 0.0, years).borderline  # no standard error: nothing to flip
    verdict = tolerance_verdict(1000.0, 0.05, 0.1, years)
    assert not verdict.ok and not verdict.borderline


def _sign(org, cio, ciso, tolerance):
    services.do_draft_appetite(ciso.user, org, statement="Appetite", category_levels={}, tolerance=tolerance)
    sign_draft(cio.user, org)
    sign_draft(ciso.user, org)


def test_the_api_and_the_page_give_the_engines_borderline_verdict(client, org_a, cio, ciso, viewer):
    _risk(org_a, ciso, frequency_low="1", frequency_high="3", loss_low="1000", loss_high="20000")
    _sign(org_a, cio, ciso, [[10_000, 0.5]])
    first = client.get(f"{API}/quant/portfolio/", **ciso.auth()).json()["inherent"]["tolerance"]
    assert first["points"][0]["borderline"] is False and first["borderline"] is False
    page = _text(signed_in(viewer).get(f"{PAGES}/money/").content.decode())
    assert "borderline" not in page.lower()
    # The same register against a limit at its own simulated probability: on the boundary.
    probability = first["points"][0]["probability"]
    _sign(org_a, cio, ciso, [[10_000, probability]])
    again = client.get(f"{API}/quant/portfolio/", **ciso.auth()).json()["inherent"]["tolerance"]
    assert again["points"][0]["probability"] == probability
    assert again["points"][0]["borderline"] is True and again["borderline"] is True
    page = _text(signed_in(viewer).get(f"{PAGES}/money/").content.decode())
    assert "borderline" in page


def test_an_empty_register_answers_no_borderline_verdict(client, org_a, cio, ciso):
    _sign(org_a, cio, ciso, [[10_000, 0.5]])
    tolerance = client.get(f"{API}/quant/portfolio/", **ciso.auth()).json()["inherent"]["tolerance"]
    assert tolerance["borderline"] is False and tolerance["points"][0]["borderline"] is False


def test_the_engines_cli_writes_the_borderline_verdict(tmp_path, capsys):
    import json

    scenario = {"years": 2_000, "seed": 1, "risks": [{"id": "R-001", "frequency": {"constant": 1},
                                                       "magnitude": {"constant": 100}}],
                "tolerance": [[50, 1.0]]}
    path = tmp_path / "s.json"
    path.write_text(json.dumps(scenario), encoding="utf-8")
    assert main(["quant", "simulate", str(path)]) == 0
    tolerance = json.loads(capsys.readouterr().out)["inherent"]["tolerance"]
    assert tolerance["borderline"] is False
    assert set(tolerance["points"][0]) == {"loss", "max_probability", "probability", "standard_error", "ok",
                                           "borderline"}
