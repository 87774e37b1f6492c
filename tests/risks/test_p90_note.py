"""A P90 of 0 beside a positive ALE is right for a rare risk (a loss in at most one year in ten) but reads as
"no risk": wherever a P90 is shown, such a zero carries its one-line explanation, and only such a zero."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.cache import cache

from accord.api import api
from accord.risks import quantified
from tests.conftest import signed_in
from tests.factories import create_risk

RARE = {"frequency_low": "0.01", "frequency_high": "0.05", "loss_low": "100000", "loss_high": "2000000"}
FREQUENT = {"frequency_low": "2", "frequency_high": "12", "loss_low": "1000", "loss_high": "50000"}


@pytest.fixture(autouse=True)
def _few_years(monkeypatch):
    monkeypatch.setattr(quantified, "YEARS", 20_000)
    cache.clear()
    quantified.forget_local()


def _risk(org, persona, title, estimate, **extra):
    return create_risk(persona.user, org, {"title": title, "category": "cyber_security",
                                                       "likelihood": 3, "impact": 3, **estimate, **extra})


def _plain(response):
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def _p90_titles(response):
    return re.findall(r'title="(P90 is 0 because[^"]*)"', unescape(response.content.decode()))


# --- the rule -----------------------------------------------------------------------------------------

def test_a_zero_p90_beside_a_positive_ale_is_explained_with_the_chance_of_any_loss():
    note = quantified.p90_note(ale=12_000.0, p90=0.0, prob_any_loss=0.031)
    assert note.startswith("P90 is 0 because a loss comes in only 3.1 % of simulated years")
    assert "1-in-10 bad year has no loss" in note


@pytest.mark.parametrize(("ale", "p90"), [(12_000.0, 5_000.0), (0.0, 0.0)])
def test_no_explanation_when_the_p90_is_positive_or_there_is_no_loss_at_all(ale, p90):
    assert quantified.p90_note(ale=ale, p90=p90, prob_any_loss=0.0 if ale == 0 else 0.5) == ""


# --- the fronts ---------------------------------------------------------------------------------------

def test_the_risk_page_explains_a_rare_risks_zero_p90_beside_the_figure(org_a, ciso):
    rare = _risk(org_a, ciso, "Data centre flood", RARE)
    money = quantified.risk_money(org_a)[rare.pk]
    assert money.residual.p90 == 0 and money.residual.ale > 0  # what the test is about
    response = signed_in(ciso).get(f"/o/org-a/risks/register/{rare.pk}/")
    text = _plain(response)
    assert "* P90 is 0 because a loss comes in only" in text  # the visible note under the table
    assert len(_p90_titles(response)) == 2  # inherent and residual cells carry it as a tooltip


def test_a_treated_rare_risk_names_which_column_each_note_is_about(org_a, ciso):
    rare = _risk(org_a, ciso, "Data centre flood", RARE, treatment_frequency_reduction="50%")
    text = _plain(signed_in(ciso).get(f"/o/org-a/risks/register/{rare.pk}/"))
    assert "Inherent: P90 is 0 because" in text and "Residual: P90 is 0 because" in text


def test_a_frequent_risk_page_has_no_p90_note(org_a, ciso):
    frequent = _risk(org_a, ciso, "Phishing", FREQUENT)
    response = signed_in(ciso).get(f"/o/org-a/risks/register/{frequent.pk}/")
    assert "P90 is 0" not in response.content.decode()
    assert 'id="p90-note"' not in response.content.decode()


def test_the_register_marks_the_zero_p90_cell_and_explains_it_once(org_a, ciso):
    _risk(org_a, ciso, "Data centre flood", RARE)
    _risk(org_a, ciso, "Phishing", FREQUENT)
    response = signed_in(ciso).get("/o/org-a/risks/register/")
    assert len(_p90_titles(response)) == 1  # the rare risk's cell only
    assert _plain(response).count(str(quantified.P90_ZERO)) == 1


def test_the_register_without_a_zero_p90_says_nothing_about_it(org_a, ciso):
    _risk(org_a, ciso, "Phishing", FREQUENT)
    response = signed_in(ciso).get("/o/org-a/risks/register/")
    assert str(quantified.P90_ZERO) not in _plain(response)
    assert not _p90_titles(response)


def test_the_money_page_explains_zero_p90s_of_the_organisation_and_of_its_top_risks(org_a, ciso):
    _risk(org_a, ciso, "Data centre flood", RARE)
    response = signed_in(ciso).get("/o/org-a/risks/money/")
    text = _plain(response)
    assert 'id="p90-note"' in response.content.decode()  # the organisation is only this rare risk
    assert "* P90 is 0 because a loss comes in only" in text
    assert 'id="top-p90-note"' in response.content.decode()
    assert len(_p90_titles(response)) >= 2


def test_the_money_page_of_frequent_risks_has_no_p90_note(org_a, ciso):
    _risk(org_a, ciso, "Phishing", FREQUENT)
    response = signed_in(ciso).get("/o/org-a/risks/money/")
    assert "P90 is 0" not in response.content.decode()
    assert str(quantified.P90_ZERO) not in _plain(response)


def test_the_api_documents_why_a_p90_can_be_0_beside_a_positive_ale(client, org_a, ciso):
    schemas = api.get_openapi_schema()["components"]["schemas"]
    described = [name for name, schema in schemas.items()
                 if "p90" in schema.get("properties", {})
                 and "rare risk" in schema["properties"]["p90"].get("description", "")]
    assert {"FiguresOut", "LossStatsOut"} <= set(described)  # a risk's money; the Money page's statistics
    rare = _risk(org_a, ciso, "Data centre flood", RARE)
    money = client.get(f"/api/v1/orgs/org-a/risks/{rare.pk}/", **ciso.auth()).json()["money"]
    assert money["residual"]["p90"] == 0 and money["residual"]["ale"] > 0
