"""One saved value must not break an organisation's pages: an absurd estimate is refused on save, on every
front, naming the field and the engine's reason; a value stored anyway (planted in the database, or one
the engine's parser did not foresee) leaves that one risk out of the money view, named, and every page
answers 200."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from accord.cli import main
from accord.quant import scenario as quant_scenario
from accord.risks import quantified
from accord.risks.models import Risk
from tests.conftest import signed_in
from tests.factories import create_risk

BASE = "/o/org-a/risks"
API = "/api/v1/orgs/org-a"
GOOD = {"tef": {"pert": [1, 4, 12]}, "vulnerability": {"uniform": [0.1, 0.3]},
        "primary_loss": {"lognormal_ci90": [20_000, 400_000]}}
# The two values of the review, each with the start of the engine's reason at the field "fair".
ABSURD = {
    "gamma": ({**GOOD, "tef": {"pert": [1, 4, 12], "gamma": 1e300}},
              "fair.tef.gamma: 1e+300 is above the limit of 100"),
    "lognormal": ({**GOOD, "primary_loss": {"lognormal_ci90": [1e307, 1e308]}},
                  "fair.primary_loss.lognormal_ci90: high 1e+308 is above the limit of 1e15"),
}
CASES = pytest.mark.parametrize(("fair", "reason"), ABSURD.values(), ids=ABSURD.keys())
FORM = {"title": "Supplier outage", "category": "third_party", "likelihood": "2", "impact": "4",
        "raised_by": "cio", "status": "identified", "treatment": "mitigate"}


@pytest.fixture(autouse=True)
def _fresh_cache(monkeypatch):
    monkeypatch.setattr(quantified, "YEARS", 2_000)
    cache.clear()
    quantified.forget_local()


def _risk(org, persona, **extra):
    data = {"title": "Ransomware", "category": "cyber_security", "likelihood": 3, "impact": 4, **extra}
    return create_risk(persona.user, org, data)


def _csv(fair):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["title", "category", "likelihood", "impact", "fair"])
    writer.writerow(["Web breach", "cyber_security", "2", "3", json.dumps(fair)])
    return out.getvalue().encode()


# --- refused on save, on every front ----------------------------------------------------------------------------

@CASES
def test_the_api_refuses_an_absurd_estimate_naming_the_field_and_the_reason(client, org_a, ciso, fair, reason):
    response = client.post(f"{API}/risks/", {"title": "Web breach", "category": "cyber_security", "likelihood": 2,
                                             "impact": 3, "fair": fair}, content_type="application/json",
                           **ciso.auth())
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "fair" and error["message"].startswith(reason)
    risk = _risk(org_a, ciso, fair=GOOD)
    response = client.patch(f"{API}/risks/{risk.pk}/", {"fair": fair}, content_type="application/json",
                            **ciso.auth())
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"].startswith(reason)
    risk.refresh_from_db()
    assert risk.fair == GOOD


@CASES
def test_the_web_form_refuses_an_absurd_estimate_at_its_field(org_a, cio, fair, reason):
    response = signed_in(cio).post(f"{BASE}/register/new/", {**FORM, "fair": json.dumps(fair)})
    assert response.status_code == 200
    assert f'id="id_fair_error">{reason}' in response.content.decode().replace("&#x27;", "'")
    assert not Risk.objects.for_org(org_a).exists()


@CASES
def test_an_import_refuses_an_absurd_estimate_naming_row_field_and_reason(org_a, cio, fair, reason):
    upload = SimpleUploadedFile("risks.csv", _csv(fair), content_type="text/csv")
    text = signed_in(cio).post(f"{BASE}/register/import/", {"file": upload}, follow=True).content.decode()
    assert "Nothing was imported" in text
    assert "<td>2</td><td><code>fair</code></td>" in text and reason in text
    assert not Risk.objects.for_org(org_a).exists()


@CASES
def test_the_cli_import_refuses_an_absurd_estimate_naming_row_field_and_reason(org_a, capsys, tmp_path, fair,
                                                                               reason):
    path = tmp_path / "risks.csv"
    path.write_bytes(_csv(fair))
    assert main(["risk", "import", "org-a", str(path)]) == 1
    assert f"row 2, fair: {reason}" in capsys.readouterr().err
    assert not Risk.objects.for_org(org_a).exists()


# --- a value stored anyway ---------------------------------------------------------------------------------------

def _pages(client, risk):
    return {
        "risk page": client.get(f"{BASE}/register/{risk.pk}/"),
        "money section": client.get(f"{BASE}/register/{risk.pk}/sections/money/", HTTP_HX_REQUEST="true"),
        "risk curve": client.get(f"{BASE}/register/{risk.pk}/lec.svg"),
        "register": client.get(f"{BASE}/register/"),
        "money page": client.get(f"{BASE}/money/"),
        "money curve": client.get(f"{BASE}/money/lec.svg"),
        "heat map": client.get(f"{BASE}/heatmap/"),
        "dashboard": client.get("/o/org-a/"),
        "export csv": client.get(f"{BASE}/register/export/?format=csv"),
        "export xlsx": client.get(f"{BASE}/register/export/?format=xlsx"),
    }


@CASES
def test_a_planted_absurd_value_leaves_the_pages_up_and_its_risk_named_as_left_out(client, org_a, ciso, viewer,
                                                                                   fair, reason):
    _risk(org_a, ciso, title="Lost laptops", frequency_low="1", frequency_high="3", loss_low="1000",
          loss_high="20000")
    bad = _risk(org_a, ciso, title="Web breach", fair=GOOD, treatment_loss_reduction="0.5")
    Risk.objects.for_org(org_a).filter(pk=bad.pk).update(fair=fair)  # bypassing the service
    pages = _pages(signed_in(viewer), bad)
    assert {name: r.status_code for name, r in pages.items()} == dict.fromkeys(pages, 200)
    problem = reason  # the engine's words, as the field's error gave them
    assert f"the engine refused its estimate ({problem}" in pages["risk page"].content.decode().replace("&#x27;", "'")
    assert f"R-002 ({problem}" in pages["money page"].content.decode()
    assert 'title="' + problem in pages["register"].content.decode()
    body = client.get(f"{API}/quant/portfolio/", **viewer.auth())
    assert body.status_code == 200
    assert [r["id"] for r in body.json()["inherent"]["risks"]] == ["R-001"]
    assert [(e["id"], e["problem"][:len(problem)]) for e in body.json()["excluded"]] == [("R-002", problem)]
    detail = client.get(f"{API}/risks/{bad.pk}/", **viewer.auth())
    assert detail.status_code == 200
    assert detail.json()["money"] is None and detail.json()["money_problem"].startswith(problem)


def test_a_planted_value_alone_in_the_register_is_still_named(client, org_a, ciso, viewer):
    bad = _risk(org_a, ciso, fair=GOOD)
    Risk.objects.for_org(org_a).filter(pk=bad.pk).update(fair=ABSURD["gamma"][0])
    text = signed_in(viewer).get(f"{BASE}/money/").content.decode()
    assert "R-001 (fair.tef.gamma: 1e+300 is above the limit of 100" in text
    assert "No other risk has a money estimate yet" in text
    body = client.get(f"{API}/quant/portfolio/", **viewer.auth()).json()
    assert body["years"] == 0 and [e["id"] for e in body["excluded"]] == ["R-001"]


def test_a_value_that_fails_in_the_engine_itself_leaves_only_its_risk_out(client, org_a, ciso, viewer, monkeypatch):
    """Should the parser miss a value (here its amount limit is lifted), the simulation's own failure, or a
    figure that is not finite, still leaves that risk out rather than the pages down."""
    monkeypatch.setattr(quant_scenario, "MAX_AMOUNT", float("inf"))
    monkeypatch.setattr(quant_scenario, "MAX_LOGNORMAL_RATIO", float("inf"))
    good = _risk(org_a, ciso, title="Lost laptops", frequency_low="1", frequency_high="3", loss_low="1000",
                 loss_high="20000")
    bad = _risk(org_a, ciso, title="Web breach", fair=GOOD)
    Risk.objects.for_org(org_a).filter(pk=bad.pk).update(fair=ABSURD["lognormal"][0])
    pages = _pages(signed_in(viewer), bad)
    assert {name: r.status_code for name, r in pages.items()} == dict.fromkeys(pages, 200)
    assert set(quantified.risk_money(org_a)) == {good.pk}
    [(pk, problem)] = quantified.left_out(org_a).items()
    # Which of the two it is depends on where the overflow surfaces first (a draw, a count, a sum).
    assert pk == bad.pk and problem.startswith(("the engine failed on it: ", "its simulated losses are not finite"))
    assert f"R-002 ({problem})" in pages["money page"].content.decode().replace("&#x27;", "'")
    body = client.get(f"{API}/quant/portfolio/", **viewer.auth())
    assert body.status_code == 200 and [e["id"] for e in body.json()["excluded"]] == ["R-002"]


def test_a_simulation_that_raises_is_narrowed_to_the_risk_that_fails_alone(org_a, ciso, monkeypatch):
    good = _risk(org_a, ciso, title="Lost laptops", frequency_low="1", frequency_high="3", loss_low="1000",
                 loss_high="20000")
    bad = _risk(org_a, ciso, title="Web breach", fair=GOOD)
    real = quantified.simulate

    def failing(scenario, **kwargs):
        if any(r.id == "R-002" for r in scenario.risks):
            raise OverflowError("math range error")
        return real(scenario, **kwargs)

    monkeypatch.setattr(quantified, "simulate", failing)
    assert set(quantified.risk_money(org_a)) == {good.pk}
    assert quantified.left_out(org_a) == {bad.pk: "the engine failed on it: math range error"}
