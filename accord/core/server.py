"""`accord serve`: gunicorn running the WSGI application in-process."""

from __future__ import annotations

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
    }).run()
