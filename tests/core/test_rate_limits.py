"""Rate limits (issue 10, §3): the API answers 429 in the one error shape with Retry-After once a token or
a client address passes its rate; sign-in throttling counts failures per (address, account) and per
address, never per account alone, so that nobody can lock a victim out from elsewhere; both see the
real client behind a trusted proxy. Tests set the rates through settings (ACCORD_API_RATE_LIMITS)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from accord.api import api
from accord.core import limits
from accord.envconf import parse_rates
from tests.factories import PASSWORD

API = "/api/v1/orgs/org-a/"
LOGIN = "/accounts/login/"


@pytest.fixture(params=["locmem", "file"])
def rates(request, settings, tmp_path):
    """The API's rates, set by the test; every API test runs with the test cache (local memory: counts in
    Django's cache) and with the file cache `accord serve` uses (counts in the shared counters)."""
    if request.param == "file":
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                       "LOCATION": str(tmp_path / "cache")}}
        assert limits._shared_counters() is not None

    def set_rates(text):
        settings.ACCORD_API_RATE_LIMITS = parse_rates(text, "test")
    return set_rates


@pytest.fixture
def clock(monkeypatch):
    """The limiter's clock, moved by hand."""
    now = [60.0 * 16_667 + 20]  # 20 s into a minute
    monkeypatch.setattr(limits, "_now", lambda: now[0])
    return now


def _get(persona, address="192.0.2.1", **headers):
    return Client(REMOTE_ADDR=address).get(API, **persona.auth(), **headers)


def _assert_429(response, *, retry_after):
    assert response.status_code == 429, response.content[:300]
    assert set(response.json()) == {"detail", "errors"}
    assert "too many requests" in response.json()["detail"].lower()
    assert response["Retry-After"] == str(retry_after)


# --- the API ------------------------------------------------------------------------------------------

def test_a_token_over_its_rate_answers_429_with_retry_after_until_the_window_ends(ciso, rates, clock):
    rates("3/m/token,100/m/ip")
    assert [_get(ciso).status_code for _ in range(3)] == [200, 200, 200]
    _assert_429(_get(ciso), retry_after=40)  # the minute began 20 s ago
    clock[0] += 40
    assert _get(ciso).status_code == 200


def test_another_token_from_the_same_address_keeps_its_own_rate(org_a, ciso, cio, rates, clock):
    rates("3/m/token,100/m/ip")
    for _ in range(3):
        _get(ciso)
    assert _get(ciso).status_code == 429
    assert _get(cio).status_code == 200


def test_an_address_over_its_rate_answers_429_whatever_token_it_sends(org_a, ciso, cio, rates, clock):
    rates("100/m/token,3/m/ip")
    assert [_get(p).status_code for p in (ciso, cio, ciso)] == [200, 200, 200]
    _assert_429(_get(cio), retry_after=40)
    assert _get(cio, address="198.51.100.7").status_code == 200


def test_requests_without_a_valid_token_count_against_the_address(db, rates, clock):
    rates("100/m/token,3/m/ip")
    client = Client(REMOTE_ADDR="192.0.2.9")
    statuses = [client.get(API, HTTP_AUTHORIZATION=f"Bearer acc_guess{n}").status_code for n in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_behind_a_trusted_proxy_the_address_is_the_client_the_proxy_names(org_a, ciso, rates, clock, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    rates("100/m/token,2/m/ip")
    proxy = "127.0.0.1"
    for _ in range(2):
        assert _get(ciso, proxy, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 200
    assert _get(ciso, proxy, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert _get(ciso, proxy, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 200
    # A client cannot choose its address: the proxy appends the real one, which is what counts.
    assert _get(ciso, proxy, HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.5").status_code == 429


def test_no_rates_configured_means_no_api_limit(ciso, rates, clock):
    rates("")
    assert {_get(ciso).status_code for _ in range(5)} == {200}


def test_every_operation_documents_429():
    schema = api.get_openapi_schema()
    missing = [f"{m} {p}" for p, ops in schema["paths"].items() for m, op in ops.items() if "429" not in
               {str(s) for s in op["responses"]}]
    assert missing == []


@pytest.mark.parametrize(("text", "message"), [
    ("ten/m/token", "not a rate"), ("3/fortnight/token", "not a rate"), ("3/m/user", "per token or per ip"),
    ("0/m/ip", "at least 1"),
])
def test_a_mistyped_rate_stops_the_start_naming_the_variable(text, message):
    with pytest.raises(ImproperlyConfigured, match=f"ACCORD_API_RATE_LIMIT.*{message}"):
        parse_rates(text, "ACCORD_API_RATE_LIMIT")


def test_rates_read_as_amount_period_and_scope():
    assert parse_rates("600/m/token, 20/5s/ip,1/h", "x") == (
        limits.Rate(600, 60, "token"), limits.Rate(20, 5, "ip"), limits.Rate(1, 3600, "ip"))


# --- signing in -------------------------------------------------------------------------------------

def _sign_in(address, email, password=PASSWORD, **headers):
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post(LOGIN, {"login": email, "password": password})
    return response, "_auth_user_id" in client.session


def test_failed_sign_ins_from_one_address_do_not_lock_the_account_out_of_another(cio):
    for _ in range(8):
        _sign_in("203.0.113.5", "cio@a.test", "wrong-password-guess")
    assert _sign_in("198.51.100.7", "cio@a.test")[1]


def test_the_address_that_failed_five_times_is_refused_even_the_right_password(cio):
    for _ in range(5):
        _sign_in("203.0.113.5", "cio@a.test", "wrong-password-guess")
    response, signed_in = _sign_in("203.0.113.5", "cio@a.test")
    assert not signed_in
    assert "too many failed" in response.content.decode().lower()


def test_an_address_that_fails_for_many_accounts_is_refused_for_any_account(org_a, cio):
    for n in range(20):
        _sign_in("203.0.113.5", f"guess{n}@a.test", "wrong-password-guess")
    assert not _sign_in("203.0.113.5", "cio@a.test")[1]
    assert _sign_in("198.51.100.7", "cio@a.test")[1]


def test_sign_in_throttling_sees_the_client_behind_a_trusted_proxy(cio, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for _ in range(8):
        _sign_in("127.0.0.1", "cio@a.test", "wrong-password-guess", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert not _sign_in("127.0.0.1", "cio@a.test", HTTP_X_FORWARDED_FOR="203.0.113.5")[1]
    assert _sign_in("127.0.0.1", "cio@a.test", HTTP_X_FORWARDED_FOR="198.51.100.7")[1]
