"""Durability: no write acknowledged with a 2xx is lost when `accord serve` is killed with SIGKILL.

Run by .ci/run on SQLite and on PostgreSQL (not a pytest module: it starts real servers):

    .venv/bin/python tests/durability/run.py                      # a fresh SQLite file
    .venv/bin/python tests/durability/run.py --database-url postgres://…/accord_durability   # an empty database

With a fresh database, a new organisation and an admin's API token, it starts `accord serve` on a free
port, streams API writes (new risks) from several clients, kills the whole server (master and workers)
with SIGKILL in the middle of the stream, restarts it on the same database and streams again, for
`--kills` rounds. Then it reads the register back and checks that every write answered with a 2xx is
there with the id it was given, and that `accord audit verify` says every chain is intact. Writes
that got no answer, or a non-2xx one, may or may not be there: only acknowledged ones are promised.
Exit status 0 on success; 1 with the lost writes named otherwise.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ACCORD = Path(sys.executable).parent / "accord"
ORG, ADMIN = "durability", "writer@durability.test"
CLIENTS = 4


def run(argv: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False, cwd=ROOT)  # noqa: S603
    if done.returncode != 0:
        sys.exit(f"durability: {' '.join(argv[1:3])} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(var_dir: str, database_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "ACCORD_DEBUG": "0", "ACCORD_HTTPS": "0", "ACCORD_VAR_DIR": var_dir,
        "ACCORD_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain static files: each restart's collectstatic then copies nothing instead of hashing and
        # compressing every file again (the stream never asks for one).
        "ACCORD_STATIC_MANIFEST": "0",
        "ACCORD_SECRET_KEY": "durability-only-secret-key-that-is-long-enough-0123456789",
        # One token writing as fast as it can: rates it never reaches, so that every write is tried
        # (the limiter stays on; its 429 is still handled below).
        "ACCORD_API_RATE_LIMIT": "100000000/m/token,100000000/m/ip",
        "ACCORD_AUDIT_KEY": "durability:durability-only-audit-key-that-is-long-enough",
        "ACCORD_DATABASE_URL": database_url or f"sqlite:///{var_dir}/durability.sqlite3",
    })
    return env


def prepare(env: dict[str, str]) -> str:
    """A fresh schema, one organisation, its admin and the admin's API token (returned)."""
    run([str(ACCORD), "migrate", "--no-input"], env)
    run([str(ACCORD), "org", "create", ORG, "--name", "Durability Ltd"], env)
    run([str(ACCORD), "user", "create", ADMIN], env)
    run([str(ACCORD), "member", "add", ORG, ADMIN, "admin"], env)
    return run([str(ACCORD), "token", "create", ADMIN, "--org", ORG, "--name", "durability"], env).strip()


class Server:
    """`accord serve` in its own process group, so that SIGKILL reaches the master and every worker."""

    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, token: str) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(  # noqa: S603 - our own command line
                [str(ACCORD), "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", "2"],
                env=self.env, stdout=log, stderr=log, start_new_session=True, cwd=ROOT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                sys.exit(f"durability: accord serve exited with {self.proc.returncode}; see {self.log}")
            try:
                if request("GET", f"{self.url}/api/v1/orgs/{ORG}/", token)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        sys.exit(f"durability: accord serve did not answer within 60 s; see {self.log}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def request(method: str, url: str, token: str, body: dict[str, object] | None = None,
            timeout: float = 10) -> tuple[int, dict[str, object], dict[str, str]]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={  # noqa: S310 - our own http URL
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}"), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, {}, dict(exc.headers)


class Stream:
    """Clients that create risks as fast as the server answers; `acked` maps each title answered with a
    2xx to the id the answer gave."""

    def __init__(self, url: str, token: str, round_: int) -> None:
        self.url, self.token, self.round = url, token, round_
        self.acked: dict[str, int] = {}
        self.unanswered = 0
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._client, args=(n,), daemon=True) for n in range(CLIENTS)]

    def _client(self, n: int) -> None:
        k = 0
        while not self.stop.is_set():
            k += 1
            title = f"Durability round {self.round} client {n} write {k}"
            body = {"title": title, "category": "it_operations", "likelihood": 1 + k % 5, "impact": 1 + n % 5}
            try:
                status, answer, headers = request("POST", f"{self.url}/api/v1/orgs/{ORG}/risks/", self.token, body)
            except (OSError, http.client.HTTPException):  # refused, reset, cut or timed out: no acknowledgement
                with self.lock:
                    self.unanswered += 1
                time.sleep(0.05)
                continue
            if 200 <= status < 300:
                with self.lock:
                    self.acked[title] = int(answer["id"])  # type: ignore[call-overload]
            elif status == 429:
                time.sleep(float(headers.get("Retry-After", "1")))

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def count(self) -> int:
        with self.lock:
            return len(self.acked)

    def finish(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=15)


def stored_risks(url: str, token: str) -> dict[str, int]:
    found: dict[str, int] = {}
    offset = 0
    while True:
        status, page, _ = request("GET", f"{url}/api/v1/orgs/{ORG}/risks/?limit=500&offset={offset}", token,
                                  timeout=60)
        if status != 200:
            sys.exit(f"durability: reading the register answered {status}")
        items = page["items"]
        assert isinstance(items, list)
        found.update({str(r["title"]): int(r["id"]) for r in items})
        offset += len(items)
        if not items or offset >= int(page["count"]):  # type: ignore[call-overload]
            return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an empty database (default: a fresh SQLite file)")
    parser.add_argument("--kills", type=int, default=3, help="how many times the server is killed (default 3)")
    parser.add_argument("--writes-before-kill", type=int, default=40,
                        help="acknowledged writes in each round before the kill (default 40)")
    args = parser.parse_args()
    engine = "PostgreSQL" if (args.database_url or "").startswith("postgres") else "SQLite"
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="accord-durability-") as var_dir:
        env = environment(var_dir, args.database_url)
        token = prepare(env)
        print(f"fresh {engine} database, organisation and token ready ({time.monotonic() - started:.0f} s)", flush=True)
        server = Server(env, free_port(), Path(var_dir) / "serve.log")
        acked: dict[str, int] = {}
        unanswered = 0
        try:
            for round_ in range(1, args.kills + 1):
                server.start(token)
                print(f"round {round_}: server up ({time.monotonic() - started:.0f} s)", flush=True)
                stream = Stream(server.url, token, round_)
                stream.start()
                deadline = time.monotonic() + 30
                while stream.count() < args.writes_before_kill and time.monotonic() < deadline:
                    time.sleep(0.01)
                server.kill()  # mid-stream: the clients are still sending
                time.sleep(0.3)  # they see refused connections, not acknowledgements
                stream.finish()
                acked.update(stream.acked)
                unanswered += stream.unanswered
                if not stream.acked:
                    sys.exit(f"durability: round {round_} got no write acknowledged; see {server.log}")
                print(f"round {round_}: {len(stream.acked)} writes acknowledged, then SIGKILL "
                      f"({time.monotonic() - started:.0f} s)", flush=True)
            server.start(token)
            stored = stored_risks(server.url, token)
        finally:
            server.stop()
        lost = sorted(title for title, pk in acked.items() if stored.get(title) != pk)
        verify = subprocess.run([str(ACCORD), "audit", "verify"], env=env, capture_output=True,  # noqa: S603
                                text=True, check=False, cwd=ROOT)
    took = time.monotonic() - started
    print(f"durability on {engine}: {len(acked)} acknowledged writes over {args.kills} SIGKILLs "
          f"({unanswered} requests unanswered while the server was down), {len(stored)} risks stored, "
          f"{len(lost)} acknowledged writes lost; audit verify: {verify.stdout.strip() or verify.stderr.strip()} "
          f"({took:.0f} s)")
    if lost:
        print("lost: " + "; ".join(lost[:20]))
    if verify.returncode != 0:
        print("the audit chains do not verify after the kills")
    return 0 if not lost and verify.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
