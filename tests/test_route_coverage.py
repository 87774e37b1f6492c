from tests.route_suite import api_operations, ui_url_names, unknown_routes


def test_every_route_is_known_to_the_generic_suites():
    assert unknown_routes() == [], "add these routes to tests/routes.py (permission and objects)"


def test_the_enumeration_sees_ui_and_api_routes():
    names = {name for name, _ in ui_url_names()}
    assert {"core:dashboard", "core:members", "account_login"} <= names
    assert "GET /api/v1/orgs/{org}/members/" in api_operations()
