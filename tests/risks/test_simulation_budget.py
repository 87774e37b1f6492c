"""One user cannot take down every tenant (decision 0020): an estimate too costly to simulate is refused on
save on every front; a stored one that passes the run's budget leaves its risk out, named, and the pages
up; a simulation is computed once however many ask; and an organisation's simulations at once are
bounded, the others answered 429 or 503 with Retry-After, while another organisation is served."""

from __future__ import annotations

import csv
import io
import json
import threading

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from accord.cli import main
from accord.core import singleflight
from accord.quant import BudgetExceeded
from accord.risks import quantified, services
from accord.risks.models import Risk
from tests.conftest import signed_in
from tests.factories import sign_draft

API = "/api/v1/orgs/org-a"
PAGES = "/o/org-a/risks"
#: The review's estimate: a million threat events a year, each a loss event.
FLOOD = {"tef": 1_000_000, "vulnerability": 1, "primary_loss": {"lognormal_ci90": [100, 10_000]}}
FLOOD_REASON = ("fair: 1,000,000 expected threat events a year x vulnerability is 50,000,000,000 loss events over "
                "the 50,000 simulated years, above the limit of 100,000,000 a simulation (at most 2,000 loss "
                "events a year on average)")
GOOD = {"tef": {"pert": [1, 4, 12]}, "vulnerability": {"uniform": [0.1, 0.3]},
        "primary_loss": {"lognormal_ci90": [20_000, 400_000]}}
FORM = {"title": "Supplier outage", "category": "third_party", "likelihood": "2", "impact": "4",
        "raised_by": "cio", "status": "identified", "treatment": "mitigate"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    quantified.forget_local()


@pytest.fixture
def few_years(monkeypatch):
    monkeypatch.setattr(quantified, "YEARS", 2_000)


def _risk(org, persona, **extra):
    data = {"title": "Ransomware", "category": "cyber_security", "likelihood": 3, "impact": 4, **extra}
    return services.do_create_risk(persona.user, org, data)


def _text(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


# --- refused on save, on every front ----------------------------------------------------------------------------

def test_the_api_refuses_the_reviews_estimate_naming_the_field_and_the_limit(client, org_a, ciso):
    response = client.post(f"{API}/risks/", {"title": "Flood", "category": "cyber_security", "likelihood": 2,
                                             "impact": 3, "fair": FLOOD}, content_type="application/json",
                           **ciso.auth())
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "fair", "message": FLOOD_REASON}]
    risk = _risk(org_a, ciso, fair=GOOD)
    response = client.patch(f"{API}/risks/{risk.pk}/", {"fair": FLOOD}, content_type="application/json",
                            **ciso.auth())
    assert response.status_code == 422 and response.json()["errors"][0]["message"] == FLOOD_REASON
    risk.refresh_from_db()
    assert risk.fair == GOOD


def test_ranges_too_costly_to_simulate_are_refused_at_the_frequency(client, ciso):
    response = client.post(f"{API}/risks/", {
        "title": "Spam", "category": "cyber_security", "likelihood": 2, "impact": 3, "frequency_low": "5000",
        "frequency_high": "20000", "loss_low": "1", "loss_high": "10"}, content_type="application/json",
        **ciso.auth())
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "frequency_high"
    assert error["message"].startswith("10,") and "expected loss events a year is" in error["message"]
    assert error["message"].endswith("above the limit of 100,000,000 a simulation (at most 2,000 loss events a "
                                     "year on average).")


def test_the_web_form_refuses_it_at_its_field(org_a, cio):
    response = signed_in(cio).post(f"{PAGES}/register/new/", {**FORM, "fair": json.dumps(FLOOD)})
    assert response.status_code == 200
    assert f'id="id_fair_error">{FLOOD_REASON}' in _text(response)
    assert not Risk.objects.for_org(org_a).exists()


def _csv(fair) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["title", "category", "likelihood", "impact", "fair"])
    writer.writerow(["Flood", "cyber_security", "2", "3", json.dumps(fair)])
    return out.getvalue().encode()


def test_imports_refuse_it_naming_row_field_and_reason(org_a, cio, capsys, tmp_path):
    upload = SimpleUploadedFile("risks.csv", _csv(FLOOD), content_type="text/csv")
    text = _text(signed_in(cio).post(f"{PAGES}/register/import/", {"file": upload}, follow=True))
    assert "Nothing was imported" in text and FLOOD_REASON in text
    path = tmp_path / "risks.csv"
    path.write_bytes(_csv(FLOOD))
    assert main(["risk", "import", "org-a", str(path)]) == 1
    assert f"row 2, fair: {FLOOD_REASON}" in capsys.readouterr().err
    assert not Risk.objects.for_org(org_a).exists()


def test_the_limit_follows_the_configured_budget(client, ciso, settings):
    settings.ACCORD_SIMULATION_EVENTS = 10**11
    response = client.post(f"{API}/risks/", {"title": "Flood", "category": "cyber_security", "likelihood": 2,
                                             "impact": 3, "fair": FLOOD}, content_type="application/json",
                           **ciso.auth())
    assert response.status_code == 201, response.content


# --- a stored estimate past the budget: its risk is left out, named ---------------------------------------------

def test_a_planted_costly_estimate_leaves_its_risk_out_named_and_every_page_up(client, org_a, ciso, viewer,
                                                                                few_years, monkeypatch):
    simulated = []
    real = quantified.simulate
    monkeypatch.setattr(quantified, "simulate", lambda s, **kw: simulated.append(len(s.risks)) or real(s, **kw))
    _risk(org_a, ciso, title="Lost laptops", frequency_low="1", frequency_high="3", loss_low="1000",
          loss_high="20000")
    bad = _risk(org_a, ciso, title="Flood", fair=GOOD)
    Risk.objects.for_org(org_a).filter(pk=bad.pk).update(fair=FLOOD)  # bypassing the service
    browser = signed_in(viewer)
    pages = {"money": browser.get(f"{PAGES}/money/"), "risk": browser.get(f"{PAGES}/register/{bad.pk}/"),
             "register": browser.get(f"{PAGES}/register/"), "curve": browser.get(f"{PAGES}/money/lec.svg")}
    assert {name: r.status_code for name, r in pages.items()} == dict.fromkeys(pages, 200)
    assert "R-002 (its simulation would pass the budget of a simulation (2,000,000,000 expected loss events" in (
        _text(pages["money"]))
    body = client.get(f"{API}/quant/portfolio/", **viewer.auth()).json()
    assert [r["id"] for r in body["inherent"]["risks"]] == ["R-001"]
    [excluded] = body["excluded"]
    assert excluded["id"] == "R-002" and "would pass the budget of 100,000,000 events" in excluded["problem"]
    assert client.get(f"{API}/risks/R-002/", **viewer.auth()).json()["money_problem"] == excluded["problem"]
    assert simulated == [2, 1]  # the first run stopped before drawing (its expected events), then R-001 alone


def test_a_simulation_out_of_time_leaves_out_the_costliest_risk_and_is_kept_briefly(org_a, ciso, few_years,
                                                                                      monkeypatch):
    _risk(org_a, ciso, title="Lost laptops", frequency_low="1", frequency_high="3", loss_low="1000",
          loss_high="20000")
    _risk(org_a, ciso, title="Slow", fair=GOOD)
    real = quantified.simulate

    def slow(scenario, **kwargs):
        assert kwargs["budget"].max_seconds > 0  # the configured time budget is handed to the engine
        if any(r.id == "R-002" for r in scenario.risks):
            raise BudgetExceeded("the simulation ran past its budget of 30 s; R-002 drew the most (9 events)",
                                 kind="time", risk_id="R-002")
        return real(scenario, **kwargs)

    monkeypatch.setattr(quantified, "simulate", slow)
    result, refused = quantified.portfolio_and_refused(org_a)
    assert [r["id"] for r in result["inherent"]["risks"]] == ["R-001"]
    assert refused == [{"id": "R-002", "problem": "the register's simulation took too long, and this risk drew "
                                                  "the most loss events (the simulation ran past its budget of "
                                                  "30 s; R-002 drew the most (9 events))"}]
    stored = cache.get(quantified._inputs(org_a).key)
    assert stored["timed_out"] is True  # kept DEGRADED_SECONDS, not a month


# --- computed once, whatever the number of requests --------------------------------------------------------------

def test_concurrent_workers_asked_for_one_register_simulate_it_once(org_a, few_years, monkeypatch):
    """Eight workers are asked for the same register while its simulation is under way: one simulates, the
    seven wait for its result (none starts its own) and all store the same value."""
    started, release = threading.Event(), threading.Event()
    calls = []

    def compute(scenario):
        calls.append(1)
        started.set()
        release.wait(30)
        return {"result": None, "excluded": [], "seconds": 0.0, "timed_out": False, "n": len(calls)}

    monkeypatch.setattr(quantified, "_simulate", compute)
    errors = []

    def work():
        try:
            quantified.simulate_for(org_a, "accord:test:register", {"risks": []}, None)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    threads[0].start()
    assert started.wait(30)
    for thread in threads[1:]:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(30)
    assert errors == [] and calls == [1]
    assert cache.get("accord:test:register")["n"] == 1


# --- per-organisation quota, and answers that never wait ---------------------------------------------------------

def _two_registers(org_a, org_b, ciso, outsider):
    _risk(org_a, ciso, frequency_low="1", frequency_high="3", loss_low="1000", loss_high="20000")
    services.do_create_risk(outsider.user, org_b, {"title": "Fraud", "category": "financial", "likelihood": 2,
                                                   "impact": 2, "frequency_low": "1", "frequency_high": "2",
                                                   "loss_low": "100", "loss_high": "1000"})


def test_an_organisation_over_its_quota_gets_pending_figures_at_once_while_another_is_served(
        client, org_a, org_b, ciso, outsider, settings, few_years):
    settings.ACCORD_SIMULATION_WAIT_SECONDS = 0
    _two_registers(org_a, org_b, ciso, outsider)
    # org-a's one simulation at a time is taken (another worker simulating an edit of its register): its
    # worker tries again later, and every answer meanwhile comes at once, saying the figures are pending.
    with singleflight.slot(f"accord:quota:simulation:{org_a.pk}", size=1, wait=0, hold=60):
        response = client.get(f"{API}/quant/portfolio/", **ciso.auth())
        assert response.status_code == 200
        assert response.json()["figures"] == "pending" and response.json()["years"] == 0
        page = signed_in(ciso).get(f"{PAGES}/money/")
        assert page.status_code == 200 and "being simulated" in _text(page)
        assert 'hx-trigger="every 2s"' in page.content.decode()
        other = client.get("/api/v1/orgs/org-b/quant/portfolio/", **outsider.auth())
        assert other.status_code == 200 and other.json()["figures"] == "fresh"
        assert [r["id"] for r in other.json()["inherent"]["risks"]] == ["R-001"]
    filled = client.get(f"{API}/quant/portfolio/", **ciso.auth()).json()
    assert filled["figures"] == "fresh" and [r["id"] for r in filled["inherent"]["risks"]] == ["R-001"]


def test_with_the_worker_stopped_the_money_page_answers_at_once_and_fills_in_when_it_runs(
        client, org_a, ciso, few_years, stopped_worker):
    risk = _risk(org_a, ciso, frequency_low="1", frequency_high="3", loss_low="1000", loss_high="20000")
    page = signed_in(ciso).get(f"{PAGES}/money/")
    assert page.status_code == 200 and "are being simulated; they appear here" in _text(page)
    assert "No risk has a money estimate yet" not in _text(page)
    pending = client.get(f"{API}/quant/portfolio/", **ciso.auth()).json()
    assert pending["figures"] == "pending" and pending["inherent"]["risks"] == []
    assert stopped_worker() == 1  # asked once, however many answers were given meanwhile

    fresh = client.get(f"{API}/quant/portfolio/", **ciso.auth()).json()
    assert fresh["figures"] == "fresh" and [r["id"] for r in fresh["inherent"]["risks"]] == ["R-001"]
    page = signed_in(ciso).get(f"{PAGES}/money/")
    assert "being simulated" not in _text(page) and "every 2s" not in page.content.decode()

    # A changed estimate: the last figures, marked stale, until the worker has simulated the new register.
    services.do_update_risk(ciso.user, org_a, risk, {"loss_high": "900000"})
    stale = client.get(f"{API}/quant/portfolio/", **ciso.auth()).json()
    assert stale["figures"] == "stale" and stale["inherent"] == fresh["inherent"]
    assert "the last figures" in _text(signed_in(ciso).get(f"{PAGES}/money/"))
    assert stopped_worker() == 1
    new = client.get(f"{API}/quant/portfolio/", **ciso.auth()).json()
    assert new["figures"] == "fresh" and new["inherent"]["portfolio"]["ale"] > fresh["inherent"]["portfolio"]["ale"]


def test_pending_figures_answer_every_tolerance_verdict_null_never_an_invented_one(
        client, org_a, cio, ciso, few_years, stopped_worker):
    from accord.risks.api.money import PortfolioOut

    services.do_draft_appetite(ciso.user, org_a, statement="Appetite", category_levels={},
                               tolerance=[[100_000, 0.2], [1_000_000, 0.05]])
    sign_draft(cio.user, org_a)
    sign_draft(ciso.user, org_a)
    _risk(org_a, ciso, frequency_low="1", frequency_high="3", loss_low="1000", loss_high="20000")
    body = client.get(f"{API}/quant/portfolio/", **ciso.auth()).json()
    assert body["figures"] == "pending" and body["years"] == 0
    tolerance = body["inherent"]["tolerance"]
    assert tolerance["within"] is None and tolerance["borderline"] is None
    assert tolerance["points"] == [
        {"loss": 100_000.0, "max_probability": 0.2, "probability": None, "standard_error": None, "ok": None,
         "borderline": None},
        {"loss": 1_000_000.0, "max_probability": 0.05, "probability": None, "standard_error": None, "ok": None,
         "borderline": None}]
    assert PortfolioOut.model_validate(body).model_dump(mode="json", exclude_unset=True) == body

    assert stopped_worker() == 1
    fresh = client.get(f"{API}/quant/portfolio/", **ciso.auth()).json()["inherent"]["tolerance"]
    assert isinstance(fresh["within"], bool) and all(isinstance(p["ok"], bool) for p in fresh["points"])
