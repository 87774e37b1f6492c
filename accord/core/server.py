"""`accord serve`: gunicorn running the WSGI application in-process."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from accord.wsgi import application

        return application


def _warm_engine(worker: Any) -> None:
    """gunicorn's post_worker_init hook: load the quant engine's compiled kernels in the background, so a
    worker's first money page does not wait for them (requests are served meanwhile)."""
    from accord.quant import kernels

    threading.Thread(target=kernels.warm_up, name="accord-warm-engine", daemon=True).start()


def site_url(host: str, port: int) -> str:
    """The address a person types to reach a server bound to `host`:`port`. A wildcard bind (0.0.0.0,
    ::) answers on every interface, so the banner names this machine's loopback, which always works."""
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 - naming the wildcard, not binding to it
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 literal
    return f"http://{host}:{port}/"


def run_server(host: str, port: int, workers: int) -> None:
    """Serve until interrupted; gunicorn writes its access log to stderr."""
    _Gunicorn({
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": 2,
        "timeout": 60,
        # What gunicorn reads before Django sees a request: the request line, the number of headers and
        # each header's size (bodies are bounded by ACCORD_MAX_REQUEST_BYTES, accord/core/limits.py).
        "limit_request_line": 4094,
        "limit_request_fields": 100,
        "limit_request_field_size": 8190,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "warning",
        "forwarded_allow_ips": "127.0.0.1",
        "post_worker_init": _warm_engine,
    }).run()


@contextmanager
def job_worker(*, start: bool) -> Iterator[subprocess.Popen[bytes] | None]:
    """One background-job worker (`accord worker`) beside the web server on this machine, stopped with it;
    none when `start` is false (`--no-worker`: workers run elsewhere) or when jobs run where they are
    queued (ACCORD_JOBS_IMMEDIATE). The worker also stops by itself if this process dies."""
    from django.conf import settings

    if not start or settings.ACCORD_JOBS_IMMEDIATE:
        yield None
        return
    process = subprocess.Popen([sys.executable, "-m", "accord.cli", "worker", "--exit-with-parent"])
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
