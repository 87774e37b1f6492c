"""A real OpenID Connect provider for the single sign-on tests: django-oauth-toolkit in a second process
(tests/oidc_provider), on a free port of 127.0.0.1, and the browser's side of a sign-in through it."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
IDP_PASSWORD = "idp-password-for-tests"
CLIENT_ID = "accord-tests"
CLIENT_SECRET = "client-secret-for-tests-0123456789"
#: Who the test provider knows: username -> the address it asserts, and whether it says it is verified.
PEOPLE = {
    "alice": {"email": "alice@acme.test", "verified": True, "name": "Alice Member"},
    "newbie": {"email": "newbie@acme.test", "verified": True, "name": "New Person"},
    "bob": {"email": "bob@acme.test", "verified": True, "name": "Bob of Beta"},
    "carol": {"email": "carol@acme.test", "verified": True, "name": "Carol of Two"},
    "eve": {"email": "eve@acme.test", "verified": False, "name": "Unverified Eve"},
    "mallory": {"email": "victim@elsewhere.test", "verified": True, "name": "Claims Someone Else"},
    "vic": {"email": "vic@acme.test", "verified": True, "name": "External vCISO"},
}


@dataclass
class Provider:
    """The running provider: its issuer URL and Accord's client at it."""

    issuer: str
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_provider(folder: Path, redirect_uris: list[str]) -> Iterator[Provider]:
    """Start the provider in its own process and stop it afterwards; fail with its output if it never answers."""
    port = _free_port()
    (folder / "people.json").write_text(json.dumps({u: {**p, "password": IDP_PASSWORD} for u, p in PEOPLE.items()}))
    (folder / "client.json").write_text(json.dumps({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                                                    "redirect_uris": redirect_uris}))
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ACCORD_", "DJANGO_"))}
    env |= {"IDP_DIR": str(folder), "IDP_PORT": str(port), "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings", "NO_PROXY": "127.0.0.1,localhost"}
    log = (folder / "provider.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "tests.oidc_provider.serve"],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    issuer = f"http://127.0.0.1:{port}/o"
    try:
        for _attempt in range(300):  # up to about 60 s on a busy machine: migrating its database comes first
            if process.poll() is not None:
                break
            try:
                if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError("the test identity provider did not answer")
        if process.poll() is not None:
            raise RuntimeError("the test identity provider stopped:\n" + (folder / "provider.log").read_text()[-3000:])
        yield Provider(issuer=issuer)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def provider_redirect(client: Client, organisation: str) -> str:
    """From Accord's sign-in page field to the provider's authorisation URL (allauth asks for a POST)."""
    start = client.get("/accounts/sso/", {"organisation": organisation})
    assert start.status_code == 302, start
    login = client.post(start["Location"])
    assert login.status_code == 302, login.content[:500]
    return str(login["Location"])


def through_provider(authorize_url: str, username: str) -> str:
    """The browser at the provider: sign in as `username`; returns the URL it sends the browser back to."""
    browser = requests.Session()
    answer = browser.get(authorize_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    login_url = urljoin(authorize_url, answer.headers["Location"])
    page = browser.get(login_url, timeout=10)
    token = _CSRF.search(page.text)
    assert token, page.text[:500]
    next_url = parse_qs(urlsplit(login_url).query).get("next", [""])[0]
    signed = browser.post(login_url, data={"username": username, "password": IDP_PASSWORD,
                                           "csrfmiddlewaretoken": token.group(1), "next": next_url},
                          headers={"Referer": login_url}, allow_redirects=False, timeout=10)
    assert signed.status_code == 302, signed.text[:500]
    back = browser.get(urljoin(login_url, signed.headers["Location"]), allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text[:500]
    return str(back.headers["Location"])


def sign_in_through(client: Client, organisation: str, username: str) -> Any:
    """A whole sign-in through `organisation`'s provider as its person `username`: Accord's callback then calls
    the provider's token and userinfo endpoints itself. Returns Accord's answer to the callback."""
    callback = through_provider(provider_redirect(client, organisation), username)
    parts = urlsplit(callback)
    assert parts.netloc == "testserver", callback
    return client.get(f"{parts.path}?{parts.query}")
