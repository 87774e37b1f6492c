"""A real worker (`accord worker`, Huey's consumer in its own process) on a database of its own: a worker
killed with SIGKILL in the middle of a job loses nothing: after a restart the job runs again from the
start, and its writes are there once, all of them, with their audit events."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 120


@pytest.fixture
def env(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    environment.update({
        "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "accord.settings",
        "ACCORD_DEBUG": "0", "ACCORD_HTTPS": "0", "ACCORD_ALLOWED_HOSTS": "localhost",
        "ACCORD_SECRET_KEY": "worker-test-secret-key-that-is-long-enough-0123456789",
        "ACCORD_AUDIT_KEY": "worker:worker-test-audit-key-that-is-long-enough-0123",
        "ACCORD_VAR_DIR": str(tmp_path), "ACCORD_DATABASE_URL": f"sqlite:///{tmp_path}/worker.sqlite3",
        "ACCORD_STATIC_MANIFEST": "0", "ACCORD_JOBS_IMMEDIATE": "0",
    })
    return environment


def probe(env, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "tests.core.jobs_probe", *args], env=env, cwd=ROOT,  # noqa: S603
                          capture_output=True, text=True, check=False, timeout=WAIT_SECONDS)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def worker(env) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "tests.core.jobs_probe", "worker", "--threads", "1"],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def peek(tmp_path, job_id: str) -> dict[str, object]:
    """The job's status and the tokens written, read straight from the SQLite file (no Django start-up)."""
    with sqlite3.connect(tmp_path / "worker.sqlite3", timeout=30) as db:
        status, attempts = db.execute("SELECT status, attempts FROM core_job WHERE id = ?", (int(job_id),)).fetchone()
        tokens = [name for (name,) in db.execute("SELECT name FROM core_apitoken ORDER BY name")]
    return {"status": status, "attempts": attempts, "tokens": tokens}


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.2)


def test_a_worker_killed_mid_job_loses_nothing_and_doubles_nothing(env, tmp_path):
    paused = tmp_path / "paused"
    job_id = probe(env, "enqueue", json.dumps({"count": 3, "pause_file": str(paused)}))
    assert peek(tmp_path, job_id)["status"] == "queued"  # no worker yet: it waits

    first = worker(env)
    try:
        wait_for(paused.exists, "the job to write its first token and pause")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=WAIT_SECONDS)
    finally:
        first.kill()
    assert peek(tmp_path, job_id) == {"status": "running", "attempts": 1, "tokens": []}  # the first token rolled back

    second = worker(env)
    try:
        wait_for(lambda: peek(tmp_path, job_id)["status"] in ("done", "failed"),
                 "the restarted worker to finish the job")
    finally:
        second.terminate()
        second.wait(timeout=WAIT_SECONDS)
    finished = json.loads(probe(env, "state", job_id))
    assert finished["status"] == "done" and finished["attempts"] == 2, finished
    assert finished["tokens"] == ["job-1", "job-2", "job-3"] and finished["token_events"] == 3
    assert finished["chain_ok"]
