"""The register sorted by its money figures (residual ALE and P90 of the simulated register), on every
front, and the ALE and P90 columns of exports."""

from __future__ import annotations

import csv
import decimal
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accord.risks import money_order, quantified, services
from accord.risks.io import export_register, parse_upload
from accord.risks.selectors import RiskFilter
from tests.conftest import signed_in

BASE = "/api/v1/orgs/org-a"


@pytest.fixture(autouse=True)
def _fresh_cache(monkeypatch):
    monkeypatch.setattr(quantified, "YEARS", 4_000)
    cache.clear()
    quantified.forget_local()


def _risk(org, ciso, title, loss=None, **extra):
    data = {"title": title, "category": "cyber_security", "likelihood": 2, "impact": 2, **extra}
    if loss is not None:
        data.update(frequency_low="1", frequency_high="3", loss_low=str(loss), loss_high=str(loss * 20))
    return services.do_create_risk(ciso.user, org, data)


@pytest.fixture
def register(org_a, ciso):
    """R-001 no estimate, R-002 middling, R-003 large, R-004 small, R-005 large but closed (not simulated)."""
    _risk(org_a, ciso, "Unknown")
    _risk(org_a, ciso, "Middling", 10_000)
    _risk(org_a, ciso, "Large", 100_000)
    _risk(org_a, ciso, "Small", 1_000)
    _risk(org_a, ciso, "Closed", 500_000, status="closed")
    return org_a


def _refs(risks):
    return [r.ref for r in risks]


@pytest.mark.parametrize(("sort", "refs"), [
    ("ale", ["R-004", "R-002", "R-003", "R-001", "R-005"]),
    ("-ale", ["R-003", "R-002", "R-004", "R-001", "R-005"]),
    ("p90", ["R-004", "R-002", "R-003", "R-001", "R-005"]),
    ("-p90", ["R-003", "R-002", "R-004", "R-001", "R-005"]),
])
def test_money_orders_follow_the_cached_figures_and_put_risks_without_them_last(register, sort, refs):
    ordered = money_order.ordered_risks(register, RiskFilter(sort=sort))
    assert _refs(ordered) == refs
    figures = money_order.register_figures(register).by_risk
    money = quantified.risk_money(register)
    assert {pk: (f.ale, f.p90) for pk, f in figures.items()} == {pk: (m.ale, m.p90) for pk, m in money.items()}


def test_a_money_order_keeps_the_filters_and_slices_like_a_page(register):
    ordered = money_order.ordered_risks(register, RiskFilter(sort="-ale", q="l"))
    assert _refs(ordered) == ["R-003", "R-002", "R-004", "R-005"]  # "Unknown" has no "l"
    assert len(ordered) == 4 and _refs(ordered[1:3]) == ["R-002", "R-004"] and ordered[-1].ref == "R-005"
    assert ordered[0].above_tolerance is False  # the register's annotations come along


def test_the_register_page_sorts_by_ale_and_p90_and_paginates(register, ciso, monkeypatch):
    from accord.risks.views.register import listing

    monkeypatch.setattr(listing, "PAGE_SIZE", 2)
    client = signed_in(ciso)
    pages = [client.get("/o/org-a/risks/register/", {"sort": "-ale", "page": n}).content.decode() for n in (1, 2, 3)]
    order = [ref for body in pages for ref in ("R-001", "R-002", "R-003", "R-004", "R-005")
             if f">{ref}</a>" in body]
    assert sorted(order) == ["R-001", "R-002", "R-003", "R-004", "R-005"]
    assert pages[0].index(">R-003</a>") < pages[0].index(">R-002</a>")
    assert ">R-004</a>" in pages[1] and ">R-001</a>" in pages[1] and ">R-005</a>" in pages[2]
    assert 'aria-sort="descending"' in pages[0]
    assert "sort=p90" in client.get("/o/org-a/risks/register/").content.decode()


def test_the_api_list_sorts_by_ale_and_paginates(client, register, ciso):
    first = client.get(f"{BASE}/risks/", {"sort": "-p90", "limit": 2}, **ciso.auth()).json()
    second = client.get(f"{BASE}/risks/", {"sort": "-p90", "limit": 2, "offset": 2}, **ciso.auth()).json()
    assert first["count"] == second["count"] == 5
    assert [r["ref"] for r in first["items"] + second["items"]] == ["R-003", "R-002", "R-004", "R-001"]
    bad = client.get(f"{BASE}/risks/", {"sort": "money"}, **ciso.auth())
    assert bad.status_code == 422 and "-ale" in bad.json()["errors"][0]["message"]


def _count(client, url, headers):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, **headers).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/o/org-a/risks/register/?sort=-ale", f"{BASE}/risks/?sort=p90&limit=10"])
def test_a_money_order_costs_the_same_queries_for_5_or_40_risks(client, register, ciso, url):
    api = url.startswith("/api/")
    headers = ciso.auth() if api else {}
    browser = client if api else signed_in(ciso)
    browser.get(url, **headers)  # warms the cache and the session
    small = _count(browser, url, headers)
    for n in range(35):
        _risk(register, ciso, f"More {n}", 1_000 + n * 500 if n % 3 else None)
    browser.get(url, **headers)
    assert _count(browser, url, headers) == small


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_carry_the_residual_ale_and_p90_to_the_cent_blank_without_figures(register, fmt):
    content, _, _ = export_register(register, RiskFilter(sort="-ale"), fmt)
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(content)).active
        values = list(sheet.iter_rows(values_only=True))
        rows = [{k: ("" if v is None else str(v)) for k, v in zip(values[0], row, strict=True)} for row in values[1:]]
    assert [r["ref"] for r in rows] == ["R-003", "R-002", "R-004", "R-001", "R-005"]
    figures = {r.ref: r for r in money_order.ordered_risks(register)}
    money = money_order.register_figures(register).by_risk
    for row in rows[:3]:
        expected = money[figures[row["ref"]].pk]
        assert decimal.Decimal(row["ale"]) == decimal.Decimal(repr(expected.ale)).quantize(decimal.Decimal("0.01"))
        assert decimal.Decimal(row["p90"]) == decimal.Decimal(repr(expected.p90)).quantize(decimal.Decimal("0.01"))
    assert rows[3]["ale"] == rows[3]["p90"] == rows[4]["ale"] == ""


def test_an_export_with_money_columns_imports_again_unchanged(register):
    content, _, filename = export_register(register, None, "xlsx")
    report = services.do_import_risks(None, register, parse_upload(io.BytesIO(content), filename))
    assert report.summary() == "0 added, 0 updated, 5 unchanged"
