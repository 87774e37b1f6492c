"""The register's money figures say how fresh they are on every page that shows them (decision 0027): the register,
a risk's page and the dashboard mark stale figures "Stale — recomputing" and pending ones as being computed, and the
mark asks for its part of the page again (htmx, no script) until a worker has simulated the register."""

from __future__ import annotations

import re

import pytest

from accord.risks import quantified, services
from tests.conftest import signed_in

PAGES = "/o/org-a/risks"
HTMX = {"HTTP_HX_REQUEST": "true"}
STALE_MARK = "Stale — recomputing"
PENDING_MARK = "The register's figures are being simulated"


pytestmark = pytest.mark.usefixtures("quick_money")


def _risk(org, persona, **extra):
    """A risk with 90% ranges, so the register simulates it."""
    estimate = {"frequency_low": "1", "frequency_high": "3", "loss_low": "1000", "loss_high": "20000"}
    return services.do_create_risk(persona.user, org, {"title": "Ransomware", "category": "cyber_security",
                                                       "likelihood": 3, "impact": 4, **estimate, **extra})


def _text(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


def _simulated(org, stopped_worker) -> None:
    """The register as it is asked for (which queues its simulation) and simulated by the worker."""
    assert quantified.register_money(org).figures == quantified.PENDING
    assert stopped_worker() == 1


def _poll(html: str) -> dict[str, str]:
    """The attributes of the element that asks again (the mark), or {} when nothing polls."""
    found = re.search(r'<div[^>]*id="money-figures-state"[^>]*>', html)
    if found is None:
        return {}
    return dict(re.findall(r'(hx-[a-z]+)="([^"]*)"', found.group(0)))


def _pages(org, ciso, risk):
    browser = signed_in(ciso)
    return {"register": browser.get(f"{PAGES}/register/"), "risk": browser.get(f"{PAGES}/register/{risk.pk}/"),
            "dashboard": browser.get("/o/org-a/")}


def test_fresh_figures_carry_no_mark_and_nothing_polls(org_a, ciso):
    risk = _risk(org_a, ciso)
    for name, page in _pages(org_a, ciso, risk).items():
        assert page.status_code == 200, name
        assert STALE_MARK not in _text(page) and PENDING_MARK not in _text(page), name
        assert _poll(_text(page)) == {}, name
    assert quantified.money_of(org_a, risk).figures == quantified.FRESH


def test_pending_figures_are_marked_as_being_computed_on_every_page_and_fill_in(org_a, ciso, stopped_worker):
    risk = _risk(org_a, ciso)
    pages = _pages(org_a, ciso, risk)
    for name, page in pages.items():
        assert PENDING_MARK in _text(page) and "<progress" in _text(page), name
        assert _poll(_text(page))["hx-trigger"] == "every 2s", name
    assert "computing…" in _text(pages["register"])  # the risk's own cell
    assert "This risk's figures are being simulated" in _text(pages["risk"])
    assert "No risk has a money estimate yet" not in _text(pages["dashboard"])
    state = quantified.money_of(org_a, risk)
    assert (state.figures, state.money, state.computing) == (quantified.PENDING, None, True)

    assert stopped_worker() == 1
    for name, page in _pages(org_a, ciso, risk).items():
        assert PENDING_MARK not in _text(page) and _poll(_text(page)) == {}, name
    assert "computing…" not in _text(_pages(org_a, ciso, risk)["register"])


def test_stale_figures_are_shown_marked_stale_recomputing_until_the_worker_has_run(org_a, ciso, stopped_worker):
    risk = _risk(org_a, ciso)
    _simulated(org_a, stopped_worker)
    fresh = quantified.money_of(org_a, risk).money
    services.do_update_risk(ciso.user, org_a, risk, {"loss_high": "900000"})
    state = quantified.money_of(org_a, risk)
    assert state.figures == quantified.STALE and state.money == fresh and not state.computing
    pages = _pages(org_a, ciso, risk)
    for name, page in pages.items():
        assert STALE_MARK in _text(page) and "the last figures" in _text(page), name
        assert _poll(_text(page))["hx-trigger"] == "every 2s", name
    assert "computing…" not in _text(pages["register"])  # the last figures are shown, marked
    assert "In money" in _text(pages["risk"])

    assert stopped_worker() == 1
    for name, page in _pages(org_a, ciso, risk).items():
        assert STALE_MARK not in _text(page) and _poll(_text(page)) == {}, name
    assert quantified.money_of(org_a, risk).money.residual.ale > fresh.residual.ale


def test_a_risk_estimated_after_the_stale_figures_says_its_own_are_being_computed(org_a, ciso, stopped_worker):
    first = _risk(org_a, ciso)
    _simulated(org_a, stopped_worker)
    second = _risk(org_a, ciso, title="Flood")
    register = quantified.register_money(org_a)
    assert register.figures == quantified.STALE
    assert register.of(first).money is not None and register.of(second).computing
    assert "This risk's figures are being simulated" in _text(signed_in(ciso).get(f"{PAGES}/register/{second.pk}/"))


def test_a_risk_the_register_does_not_simulate_waits_for_nothing(org_a, ciso, stopped_worker):
    _risk(org_a, ciso)
    bare = services.do_create_risk(ciso.user, org_a, {"title": "Bare", "category": "strategic", "likelihood": 1,
                                                      "impact": 1})
    closed = _risk(org_a, ciso, title="Closed", status="closed")
    for risk in (bare, closed):
        state = quantified.money_of(org_a, risk)
        assert (state.figures, state.computing) == (quantified.FRESH, False)


@pytest.mark.parametrize("page", ["register", "risk", "dashboard"])
def test_what_the_mark_polls_answers_the_part_it_swaps(org_a, ciso, stopped_worker, page):
    risk = _risk(org_a, ciso)
    poll = _poll(_text(_pages(org_a, ciso, risk)[page]))
    answer = _text(signed_in(ciso).get(poll["hx-get"], **HTMX))
    target = poll["hx-target"].removeprefix("#")
    if "hx-select" in poll:  # the answer holds the element it selects, which holds the mark again
        assert poll["hx-select"] == poll["hx-target"] and f'id="{target}"' in answer
    else:  # the answer is the target's new content
        assert "<html" not in answer
    assert _poll(answer)["hx-get"] == poll["hx-get"]
    stopped_worker()
    assert _poll(_text(signed_in(ciso).get(poll["hx-get"], **HTMX))) == {}


def test_the_api_says_how_fresh_a_risks_money_is(client, org_a, ciso, stopped_worker):
    risk = _risk(org_a, ciso)
    url = f"/api/v1/orgs/org-a/risks/{risk.pk}/"
    body = client.get(url, **ciso.auth()).json()
    assert (body["money_figures"], body["money"]) == ("pending", None)
    stopped_worker()
    assert client.get(url, **ciso.auth()).json()["money_figures"] == "fresh"
    services.do_update_risk(ciso.user, org_a, risk, {"loss_high": "900000"})
    body = client.get(url, **ciso.auth()).json()
    assert body["money_figures"] == "stale" and body["money"] is not None
