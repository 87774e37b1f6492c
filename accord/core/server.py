"""`accord serve`: gunicorn running the WSGI application in-process."""

from __future__ import annotations

import threading
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


def run_server(host: str, port: int, workers: int) -> None:
    """Serve until interrupted; gunicorn writes its access log to stderr."""
    _Gunicorn({
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": 2,
        "timeout": 60,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "warning",
        "forwarded_allow_ips": "127.0.0.1",
        "post_worker_init": _warm_engine,
    }).run()
