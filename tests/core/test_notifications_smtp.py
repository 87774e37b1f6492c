"""A notification's e-mail travels over real SMTP from `accord serve`: the test starts an SMTP server
(aiosmtpd) and `accord serve` (its own port, its own var directory and SQLite file) pointed at it with
ACCORD_EMAIL_HOST, drafts a risk appetite through the API as the CISO, and reads the CIO's e-mail off the
SMTP server. With ACCORD_BASE_URL set, the e-mail leaves from the job queue's worker that `accord serve`
starts beside the web server, so this proves that path too."""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")

ROOT = Path(__file__).resolve().parents[2]
ACCORD = [sys.executable, "-m", "accord.cli"]
ORG = "smtp-clinic"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Sink:
    """An aiosmtpd handler keeping every message it is given (the envelope and the parsed message)."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        self.arrived.set()
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_sink():
    sink = Sink()
    controller = aiosmtpd_controller.Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield sink, controller.port
    controller.stop()


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([*ACCORD, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False,  # noqa: S603
                          timeout=300)
    assert done.returncode == 0, f"accord {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


def _api(method: str, url: str, token: str, body: dict[str, object] | None = None) -> tuple[int, dict[str, object]]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,  # noqa: S310 - a local http:// address
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_accord_serve_emails_a_pending_signature_over_smtp(tmp_path, smtp_sink):
    sink, smtp_port = smtp_sink
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ACCORD_DEBUG": "0", "ACCORD_HTTPS": "0",
           "ACCORD_VAR_DIR": str(tmp_path), "ACCORD_DATABASE_URL": f"sqlite:///{tmp_path}/accord.sqlite3",
           "ACCORD_ALLOWED_HOSTS": "127.0.0.1,localhost", "ACCORD_STATIC_MANIFEST": "0", "ACCORD_CACHE": "locmem",
           "ACCORD_SECRET_KEY": "smtp-test-only-secret-key-that-is-long-enough-0123456789",
           "ACCORD_AUDIT_KEY": "smtp:smtp-test-only-audit-key-that-is-long-enough",
           "ACCORD_EMAIL_HOST": "127.0.0.1", "ACCORD_EMAIL_PORT": str(smtp_port), "ACCORD_EMAIL_USE_TLS": "0",
           "ACCORD_EMAIL_FROM": "accord@clinic.test", "ACCORD_BASE_URL": base}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    _run(env, "migrate", "--no-input")
    _run(env, "org", "create", ORG, "--name", "SMTP Clinic")
    for email_address, role in (("ciso@clinic.test", "ciso"), ("cio@clinic.test", "cio")):
        _run(env, "user", "create", email_address)
        _run(env, "member", "add", ORG, email_address, role)
    token = _run(env, "token", "create", "ciso@clinic.test", "--org", ORG).strip()

    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen([*ACCORD, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],  # noqa: S603
                              env=env, cwd=ROOT, stdout=log, stderr=log, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:  # until the server answers (start-up: collectstatic, gunicorn, Django)
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if _api("GET", f"{base}/api/v1/orgs/{ORG}/", token)[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "accord serve did not answer: " + (tmp_path / "serve.log").read_text()
            time.sleep(0.3)
        status, body = _api("PUT", f"{base}/api/v1/orgs/{ORG}/risk-appetite/", token,
                            {"statement": "We keep cyber risk moderate.", "category_levels": {}, "tolerance": []})
        assert status == 200, body
        assert sink.arrived.wait(60), "no e-mail reached the SMTP server"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()

    ((recipients, message),) = sink.messages
    assert recipients == ["cio@clinic.test"]
    assert message["From"] == "accord@clinic.test"
    assert message["Subject"] == "[Accord] SMTP Clinic: Risk appetite v1 awaits your signature (it needs the CIO and " \
                                 "the CISO)"
    text = message.get_content()
    assert f"{base}/o/{ORG}/risks/appetite/" in text
    assert re.search(re.escape(base) + r"/notifications/unsubscribe/\S+/", text)
    assert message["List-Unsubscribe"].strip().startswith(f"<{base}/notifications/unsubscribe/")
    assert "unread" in _run(env, "notify", "list", ORG, "cio@clinic.test")
