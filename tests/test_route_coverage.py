"""The generic suites know every route Accord serves: each UI (URL name, method) inside an organisation,
each API operation (those hidden from the OpenAPI document included), and nothing they list is gone."""

from tests.route_suite import api_aliases, api_operations, served_api_operations, ui_url_names, unknown_routes


def test_every_route_is_known_to_the_generic_suites(world):
    assert unknown_routes(world) == [], "add these routes to tests/<app>/routes.py (permission and objects)"


def test_the_enumeration_sees_ui_and_api_routes():
    names = {name for name, _ in ui_url_names()}
    assert {"core:dashboard", "core:members", "account_login"} <= names
    assert "GET /api/v1/orgs/{org}/members/" in api_operations()


def test_the_api_enumeration_finds_the_aliases_hidden_from_the_openapi_document():
    hidden = served_api_operations() - api_operations()
    assert {"GET /api/v1/orgs/{org}/risks/export", "POST /api/v1/orgs/{org}/risks/import",
            "GET /api/v1/orgs/{org}/quant/portfolio"} <= hidden
    assert {r.key for r in api_aliases()} == hidden


def test_a_new_method_on_a_known_url_is_reported(world, monkeypatch):
    import tests.route_suite as suite

    monkeypatch.setattr(suite, "ROUTES", [r for r in suite.ROUTES if (r.key, r.method) != ("core:tokens", "POST")])
    assert unknown_routes(world) == ["UI POST core:tokens"]
