"""`accord serve`: the gunicorn master loads what every web worker shares before it forks them, and the
static files are collected only when they changed."""

from __future__ import annotations

import sys

import pytest
from django.db import connections


def _options(ready: str = "") -> dict[str, object]:
    from accord.core import server

    captured: dict[str, object] = {}

    class Recorder:
        def __init__(self, options: dict[str, object]) -> None:
            captured.update(options)

        def run(self) -> None:
            pass

    original = server._Gunicorn
    server._Gunicorn = Recorder  # type: ignore[assignment,misc]
    try:
        server.run_server("127.0.0.1", 8000, 3, ready=ready)
    finally:
        server._Gunicorn = original  # type: ignore[misc]
    return captured


def test_the_ready_text_is_said_by_the_master_once_it_listens(capsys):
    options = _options(ready="Sign in now.")
    assert capsys.readouterr().err == ""
    options["when_ready"](object())  # type: ignore[operator]
    assert capsys.readouterr().err == "Sign in now.\n"
    assert "when_ready" not in _options()


def test_the_master_preloads_the_application_and_no_worker_hook_reloads_it():
    options = _options()
    assert options["preload_app"] is True
    assert "post_worker_init" not in options
    assert options["workers"] == 3


@pytest.mark.django_db(transaction=True)
def test_preloading_leaves_urls_and_kernels_loaded_and_no_connection_open():
    from accord.core.models import Organization
    from accord.core.server import preloaded_application
    from accord.quant import kernels

    Organization.objects.exists()  # a connection is open, as one would be after an app's ready() query
    assert connections["default"].connection is not None
    application = preloaded_application()
    assert callable(application)
    assert settings_urlconf() in sys.modules
    assert kernels.fill.signatures  # compiled (or loaded from the cache) in the master, shared by the fork
    # Closed, so no worker inherits the master's socket; SQLite's in-memory test database is the one a
    # close leaves open (closing it would drop the database), and a served install never uses one.
    still_open = [conn.alias for conn in connections.all(initialized_only=True)
                  if conn.connection is not None
                  and not (conn.vendor == "sqlite" and conn.is_in_memory_db())]
    assert still_open == []


def settings_urlconf() -> str:
    from django.conf import settings

    return settings.ROOT_URLCONF


def test_only_the_vendor_files_the_pages_load_are_collected():
    from django.conf import settings
    from django.contrib.staticfiles import finders

    from accord.core.vendorfinder import VendorFinder

    served = {path for path, _storage in VendorFinder().list(None)}
    assert served == {"bootstrap.min.css", "bootstrap.min.css.map", "bootstrap.bundle.min.js",
                      "bootstrap.bundle.min.js.map", "htmx.min.js"}
    assert finders.find("vendor/bootstrap/css/bootstrap.min.css") == str(
        settings.ACCORD_VENDOR_STATIC["vendor/bootstrap/css/bootstrap.min.css"])
    assert not finders.find("vendor/bootstrap/css/bootstrap-grid.css")  # in the package, never served



def test_collectstatic_runs_again_only_when_a_file_changed(tmp_path, settings):
    import os

    from accord.core.server import collect_static

    source = tmp_path / "extra.js"
    source.write_text("let a = 1;\n")
    settings.STATIC_ROOT = str(tmp_path / "static")
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    settings.ACCORD_VENDOR_STATIC = {**settings.ACCORD_VENDOR_STATIC, "vendor/extra/extra.js": source}
    collected = tmp_path / "static" / "vendor" / "extra" / "extra.js"

    assert collect_static() is True
    assert collected.read_text() == "let a = 1;\n"
    assert (tmp_path / "static" / "ninja" / "swagger-ui-bundle.js").is_file()
    assert not (tmp_path / "static" / "ninja" / "redoc.standalone.js").exists()  # the API uses Swagger UI
    assert collect_static() is False  # nothing changed: nothing copied

    source.write_text("let a = 22;\n")
    later = os.stat(source).st_mtime_ns + 10**9
    os.utime(source, ns=(later, later))
    assert collect_static() is True
    assert collected.read_text() == "let a = 22;\n"

    (tmp_path / "static" / ".accord-collected").write_text("stale")
    assert collect_static() is True
