"""Browser-facing security: headers, CSRF, cookies, templates fit for a strict CSP, production settings."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import signed_in
from tests.factories import PASSWORD

REPO = Path(__file__).resolve().parents[2]
ACCORD = Path(sys.executable).with_name("accord")


# --- headers ---------------------------------------------------------------------------------------

def _csp(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def pages(org_a, admin) -> list[tuple[Client, str]]:
    member = signed_in(admin)
    return [
        (Client(), reverse("account_login")),
        (member, reverse("core:dashboard", kwargs={"org": org_a.slug})),
        (member, reverse("core:members", kwargs={"org": org_a.slug})),
        (member, reverse("core:audit_trail", kwargs={"org": org_a.slug})),
    ]


def test_pages_send_a_strict_content_security_policy(pages):
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        csp = _csp(response)
        assert csp["script-src"] == ["'self'"], url
        assert csp["style-src"] == ["'self'"], url
        assert csp["default-src"] == ["'self'"], url
        assert csp["object-src"] == ["'none'"], url
        assert csp["frame-ancestors"] == ["'none'"], url
        assert csp["base-uri"] == ["'none'"], url
        assert "unsafe-inline" not in response["Content-Security-Policy"], url
        assert "unsafe-eval" not in response["Content-Security-Policy"], url


def test_pages_send_the_other_security_headers(pages):
    for client, url in pages:
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
        policy = response["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in policy, (url, feature)


# --- CSRF and cookies ------------------------------------------------------------------------------

def test_a_form_post_without_a_csrf_token_is_refused(org_a, admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin.user)
    url = reverse("core:governance", kwargs={"org": org_a.slug})
    form = {"ciso_reports_to": "board", "ciso_model": "internal", "dpo_model": "internal"}
    assert client.post(url, form).status_code == 403
    # The same post with the page's token goes through: the 403 above came from the missing token.
    client.get(url)
    token = client.cookies["csrftoken"].value
    assert client.post(url, {**form, "csrfmiddlewaretoken": token}).status_code == 302


def test_the_sign_in_form_needs_a_csrf_token(cio):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "cio@a.test", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_the_session_cookie_is_http_only_and_same_site(cio):
    client = Client()
    response = client.post(reverse("account_login"), {"login": "cio@a.test", "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


# --- templates fit for the CSP ---------------------------------------------------------------------

TEMPLATES = sorted(REPO.joinpath("accord").glob("**/templates/**/*.html"))
TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)\b([^>]*)>")
EVENT_HANDLER = re.compile(r"(?:^|\s)(on[a-z]+|hx-on[:\-][^\s=]*)\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"(?:^|\s)style\s*=", re.IGNORECASE)


def _csp_problems(text: str) -> list[str]:
    problems = []
    for match in TAG.finditer(text):
        name, attrs = match.group(1).lower(), match.group(2)
        if name == "script" and "src=" not in attrs and not re.search(r'type="application/json"', attrs):
            problems.append(f"inline script: {match.group(0)}")
        if name == "style":
            problems.append(f"inline <style> element: {match.group(0)}")
        handler = EVENT_HANDLER.search(attrs)
        if handler:
            problems.append(f"event-handler attribute {handler.group(1)}: {match.group(0)}")
        if STYLE_ATTRIBUTE.search(attrs):
            problems.append(f"style attribute: {match.group(0)}")
        if "javascript:" in attrs.lower():
            problems.append(f"javascript: URL: {match.group(0)}")
    return problems


def test_the_template_scan_sees_every_app_and_the_allauth_overrides():
    names = {p.relative_to(REPO).as_posix() for p in TEMPLATES}
    assert "accord/templates/base.html" in names
    assert "accord/templates/allauth/elements/field.html" in names
    assert "accord/core/templates/core/dashboard.html" in names


@pytest.mark.parametrize(
    ("snippet", "found"),
    [
        ('<script>alert(1)</script>', True),
        ('<script src="/static/x.js" defer></script>', False),
        ('<script type="application/json" id="data">{}</script>', False),
        ('<button onclick="go()">', True),
        ('<a href="#" hx-on:click="go()">', True),
        ('<div style="color: red">', True),
        ('<style>p {}</style>', True),
        ('<a href="javascript:go()">', True),
        ('<a class="btn" data-bs-toggle="dropdown" hx-get="/x">', False),
    ],
)
def test_the_template_scan_recognises_what_a_strict_csp_blocks(snippet, found):
    assert bool(_csp_problems(snippet)) is found


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_templates_have_no_inline_scripts_styles_or_event_handlers(template):
    assert _csp_problems(template.read_text()) == []


# --- production settings ---------------------------------------------------------------------------

def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a production host: no ACCORD_* variable from the test run leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACCORD_", "DJANGO_"))}
    env.update(ACCORD_DEBUG="0", ACCORD_SECRET_KEY=secrets.token_urlsafe(48)[:50],
               ACCORD_ALLOWED_HOSTS="accord.example.org", ACCORD_BASE_URL="https://accord.example.org",
               ACCORD_SECURITY_CONTACT="security@example.org", ACCORD_AUDIT_KEY=f"prod:{secrets.token_urlsafe(32)}",
               ACCORD_VAR_DIR=str(tmp_path))
    env.update(extra)
    return env


SETTINGS_PROBE = (
    "import json, accord.settings as s; print(json.dumps({k: getattr(s, k) for k in ("
    "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', "
    "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', 'SESSION_COOKIE_HTTPONLY', 'DEBUG', "
    "'SESSION_COOKIE_NAME', 'CSRF_COOKIE_NAME')}))"
)


def _run(argv: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run our own interpreter or `accord` command: a fixed argv, no outside input (hence S603's noqa)."""
    return subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, check=False)  # noqa: S603


def _settings(env: dict[str, str]) -> dict[str, object]:
    done = _run([sys.executable, "-c", SETTINGS_PROBE], env, REPO)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("https", [None, "1"], ids=["https-by-default", "ACCORD_HTTPS=1"])
def test_production_settings_give_secure_cookies_hsts_and_https_redirect(tmp_path, https):
    extra = {} if https is None else {"ACCORD_HTTPS": https}
    values = _settings(_production_env(tmp_path, **extra))
    assert values == {
        "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True, "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_HTTPONLY": True, "DEBUG": False,
        "SESSION_COOKIE_NAME": "__Host-sessionid", "CSRF_COOKIE_NAME": "__Host-csrftoken",
    }


def test_https_can_be_turned_off_for_a_plain_http_demo(tmp_path):
    values = _settings(_production_env(tmp_path, ACCORD_HTTPS="0"))
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert (values["SESSION_COOKIE_NAME"], values["CSRF_COOKIE_NAME"]) == ("sessionid", "csrftoken")


def test_the_deploy_checklist_passes_with_production_settings(tmp_path):
    done = _run([str(ACCORD), "check", "--deploy", "--fail-level", "WARNING"], _production_env(tmp_path), tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(("unset", "check", "says"), [
    ("ACCORD_BASE_URL", "accord.W001", "ACCORD_BASE_URL is not set: every e-mailed link (invitations, password reset"),
    ("ACCORD_SECURITY_CONTACT", "accord.W002", "ACCORD_SECURITY_CONTACT is not set"),
], ids=["base-url-of-e-mailed-links", "security-contact"])
def test_the_deploy_checklist_asks_for_what_production_needs(tmp_path, unset, check, says):
    env = _production_env(tmp_path)
    del env[unset]
    done = _run([str(ACCORD), "check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)
    assert done.returncode != 0
    assert check in done.stdout + done.stderr
    assert says in done.stdout + done.stderr


def test_the_deploy_checklist_fails_without_an_audit_key(tmp_path):
    env = _production_env(tmp_path)
    del env["ACCORD_AUDIT_KEY"]
    done = _run([str(ACCORD), "check", "--deploy"], env, tmp_path)
    assert done.returncode != 0
    assert "(accord.E001) No audit key is configured (ACCORD_AUDIT_KEY or ACCORD_AUDIT_KEY_FILE)" in done.stderr


def test_the_deploy_checklist_warns_about_the_development_audit_key(settings):
    from accord.core.checks import audit_key_is_set

    settings.ACCORD_AUDIT_KEY_SOURCE = "development"
    assert [m.id for m in audit_key_is_set(None)] == ["accord.W003"]
    settings.ACCORD_AUDIT_KEY_SOURCE = "ACCORD_AUDIT_KEY_FILE"
    assert audit_key_is_set(None) == []


def test_a_missing_secret_key_stops_accord_with_one_clear_line(tmp_path):
    env = _production_env(tmp_path)
    del env["ACCORD_SECRET_KEY"]
    done = _run([str(ACCORD), "check"], env, tmp_path)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "ACCORD_SECRET_KEY" in lines[0]
    assert "Traceback" not in done.stdout + done.stderr
