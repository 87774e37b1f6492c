"""`accord serve`: gunicorn running the WSGI application in-process."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from gunicorn.app.base import BaseApplication

_STAMP = ".accord-collected"
# Never served: ninja ships ReDoc beside Swagger UI (Accord's API document uses Swagger UI), 4 MB with its map.
_NOT_COLLECTED = ["redoc.standalone.js*"]


def _static_backend() -> str:
    from django.conf import settings

    storages: dict[str, Any] = settings.STORAGES
    return str(storages["staticfiles"]["BACKEND"])


def static_fingerprint() -> str:
    """A digest of every file collectstatic would copy (served path, size, modification time) and of the
    storage that would write them: it changes when a file, a package version or the storage changes."""
    from django.apps import apps
    from django.contrib.staticfiles import finders

    ignore = [*apps.get_app_config("staticfiles").ignore_patterns, *_NOT_COLLECTED]  # type: ignore[attr-defined]
    lines = [str(_static_backend())]
    for finder in finders.get_finders():
        for path, storage in finder.list(ignore):
            found = os.stat(storage.path(path))
            lines.append(f"{getattr(storage, 'prefix', '') or ''}/{path}\0{found.st_size}\0{found.st_mtime_ns}")
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()


def collect_static() -> bool:
    """Run collectstatic unless what it collected last time is still what it would collect (a stamp in
    STATIC_ROOT holds the fingerprint): hashing and compressing every file took most of a cold start.
    Whether it ran is returned."""
    from pathlib import Path

    from django.conf import settings
    from django.core.management import call_command

    root = Path(settings.STATIC_ROOT)
    stamp = root / _STAMP
    fingerprint = static_fingerprint()
    manifest_backend = "Manifest" in str(_static_backend())
    up_to_date = (stamp.is_file() and stamp.read_text() == fingerprint
                  and (not manifest_backend or (root / "staticfiles.json").is_file()))
    if up_to_date:
        return False
    stamp.unlink(missing_ok=True)
    call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=_NOT_COLLECTED)
    written = stamp.with_suffix(".tmp")
    written.write_text(fingerprint)
    written.replace(stamp)
    return True


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return preloaded_application()


def preloaded_application() -> Any:
    """What gunicorn's master loads once before it forks the web workers (`preload_app`): the WSGI
    application, the URLconf and the quant engine's compiled kernels, which every worker then shares
    instead of paying for them again at boot (5 workers on 2 cores used to answer after ~5 × 20 s of CPU).
    Nothing that cannot cross a fork is left open: the database connections are closed (each worker opens
    its own) and no thread is started here."""
    from django.db import connections
    from django.urls import get_resolver

    from accord.quant import kernels
    from accord.wsgi import application

    get_resolver().reverse_dict  # noqa: B018 - imports every URL module and builds the reverse map now
    kernels.warm_up()
    connections.close_all()
    return application


def warm_engine_later() -> None:
    """Load the engine's kernels in the background of a process that simulates (the job worker), so its
    first simulation does not wait for them."""
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


def _announce(text: str) -> Callable[[Any], None]:
    """gunicorn's `when_ready` hook: `text` on stderr once the socket listens, after the application has
    loaded (seconds after the start), so that whoever reads it can sign in at once."""
    def when_ready(_arbiter: Any) -> None:
        print(text, file=sys.stderr, flush=True)

    return when_ready


def run_server(host: str, port: int, workers: int, *, ready: str = "") -> None:
    """Serve until interrupted; gunicorn writes its access log to stderr, and `ready` once it listens."""
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
        # The master loads the application, the URLconf and the engine once (preloaded_application).
        "preload_app": True,
        **({"when_ready": _announce(ready)} if ready else {}),
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
