"""The risk register's pages in French (decision 0034): none of their English phrases is left, money and
dates follow the language, and English stays the default."""

from __future__ import annotations

import re

from django.utils import translation

from accord.core import services
from accord.risks import services as risk_services
from accord.risks.templatetags.risk_money import amount, money, percent
from tests.conftest import signed_in

ENGLISH = ["Risk register", "Add a risk", "Heat map", "Risk appetite", "Open risks", "Above tolerance",
           "Due and overdue", "Acceptances", "Request an acceptance", "History", "Overview", "Assessment",
           "Treatment", "Next review", "Affected assets", "Draft a new version", "Save the draft",
           "Risk matrix and categories", "Add a category", "Import risks", "No risk has a money estimate yet",
           "Edit all fields", "Archive", "Filter", "Clear", "Inherent", "Residual", "Owner", "Category",
           "Identified", "Medium", "Cyber security side"]


def _risk(org, persona):
    data = {"title": "Phishing", "category": "cyber_security", "likelihood": 3, "impact": 3,
            "owner": persona.user.email}
    return risk_services.do_create_risk(persona.user, org, data)


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_risk_pages_in_french_keep_no_english(org_a, ciso):
    risk = _risk(org_a, ciso)
    services.do_set_user_language(ciso.user, language="fr")
    client = signed_in(ciso)
    pages = ["/o/org-a/", "/o/org-a/risks/register/", f"/o/org-a/risks/register/{risk.pk}/", "/o/org-a/risks/heatmap/",
             "/o/org-a/risks/appetite/", "/o/org-a/risks/money/", "/o/org-a/risks/settings/",
             "/o/org-a/risks/register/new/", "/o/org-a/risks/register/import/", "/o/org-a/members/"]
    for path in pages:
        text = _text(client.get(path))
        left = [phrase for phrase in ENGLISH if re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text)]
        assert left == [], f"{path} keeps English: {left}"
    assert "Registre des risques" in _text(client.get("/o/org-a/risks/register/"))


def test_english_stays_the_default_on_the_register(org_a, ciso):
    _risk(org_a, ciso)
    text = _text(signed_in(ciso).get("/o/org-a/risks/register/"))
    assert "Risk register" in text and "1 risk" in text


def test_money_follows_the_language():
    assert money(1_250_000, "EUR") == "1.25 M EUR"
    assert amount(8400) == "8.4 k"
    assert percent(0.025) == "2.5 %"
    with translation.override("fr"):
        assert money(1_250_000, "EUR") == "1,25 M EUR"
        assert money(3_400_000_000, "EUR") == "3,4 Md EUR"
        assert amount(950) == "950"
        assert percent(0.025) == "2,5 %"
