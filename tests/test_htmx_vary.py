"""Every page that answers htmx with a partial says so in `Vary: HX-Request`, so that a cache (the
browser's included) never answers a page visit with a fragment, or an htmx swap with a whole page."""

import re
from dataclasses import replace

import pytest

from accord.core.choices import Role
from accord.core.permissions import allows
from tests.route_suite import ROUTES, prepare

PAGES = [route for route in ROUTES if not route.is_api and route.method == "GET"]
# Pages known to answer htmx with a partial: the suite must find them, or it would prove nothing.
PARTIAL_PAGES = {"core:member_edit", "core:audit_trail", "risks:list", "risks:heatmap", "risks:section",
                 "risks:section_edit", "risks:category_edit"}


def _answer(world, route):
    role = next(r for r in (Role.ADMIN, Role.CISO, Role.AUDITOR) if allows(r, route.action))
    response = prepare(route, world.personas[role], world.org_a.slug, world.seed_a).send()
    # Without what changes on every response (CSRF tokens, CSP nonces), whoever asks.
    body = re.sub(rb'(value="|nonce="|"X-CSRFToken": ")[^"]*"', rb'\1"', response.content)
    kind = response.get("Content-Type", "")
    if not kind.startswith("text/html"):
        # A download (an XLSX stamped with the second it was written) is no fragment: its type tells.
        body = kind.encode()
    return response.status_code, body, response.get("Vary", "")


@pytest.mark.parametrize("route", PAGES, ids=str)
def test_a_page_that_answers_htmx_with_a_partial_varies_on_hx_request(world, route):
    status, page, page_vary = _answer(world, route)
    hx_status, partial, partial_vary = _answer(world, replace(route, htmx=True))
    differs = (status, page) != (hx_status, partial)
    if route.key in PARTIAL_PAGES:
        assert differs, "this page used to answer htmx with a partial"
    if differs:
        assert "HX-Request" in page_vary and "HX-Request" in partial_vary
