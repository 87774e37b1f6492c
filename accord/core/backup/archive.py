"""One archive (tar, gzip) holds the database and every stored file (decision 0032).

Members, in this order:

* `accord-backup.json`, the manifest: format and version, when, which Accord, the database engine and
  how it was dumped, the applied migrations, the number of stored files, and each organisation's audit
  chain head (events, last hash), which a restore compares with what it restored;
* the database: `database.sqlite3` (SQLite, a consistent copy by SQLite's online backup API, taken
  while the server keeps running), `database.pgdump` (PostgreSQL, `pg_dump --format=custom` when
  pg_dump is on PATH) or `database.xml` (any engine: Django's dumpdata of every table, primary keys kept, in XML: its
  JSON encoder cuts datetimes to milliseconds, and the audit chain's hashes cover the microseconds);
* `files/NAME` for each file of the default storage (local under var/media, or the S3 bucket).

A restore reads only these members (never extracts a path the archive names) and replaces the whole
database: SQLite by the backup API into the configured file, PostgreSQL by `pg_restore --clean`, a
Django dump by flush then loaddata (so it also moves an installation from SQLite to PostgreSQL). Files
are written back under their names; files in storage that the backup does not hold are left in place
and counted. The audit keys are never in a backup: they live outside the database so that whoever
holds it cannot re-sign a rewritten chain (docs/audit.md), and a restored installation verifies its
chains with the same keys (`accord audit verify`).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage, storages
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "accord-backup"
VERSION = 1
MANIFEST = "accord-backup.json"
FILES = "files/"
METHODS = ("sqlite", "pg_dump", "django")
_MEMBERS = {"sqlite": "database.sqlite3", "pg_dump": "database.pgdump", "django": "database.xml"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Summary:
    """What a backup holds, or what a restore wrote."""

    path: Path
    method: str
    files: int
    organisations: int
    events: int
    files_left: int = 0  # restore: files in storage the backup does not hold, left in place
    pending_migrations: int = 0  # restore: migrations this code has and the backup had not applied


def _storage() -> Storage:
    return storages["default"]


def _stored_names(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a local storage nothing was ever saved to
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from _stored_names(storage, f"{folder}/{sub}" if folder else sub)


def _chain_heads() -> dict[str, dict[str, Any]]:
    from accord.core.models import AuditChain
    from accord.core.selectors import organizations

    heads = {}
    for org in organizations():
        chain = AuditChain.objects.for_org(org).first()
        heads[org.slug] = {"events": chain.last_seq if chain else 0, "last_hash": chain.last_hash if chain else ""}
    return heads


def _applied_migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def _accord_version() -> str:
    try:
        return version("accord")
    except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
        return "unknown"


def _choose_method(method: str | None) -> str:
    vendor = connection.vendor
    if method is None:
        if vendor == "sqlite":
            return "sqlite"
        return "pg_dump" if shutil.which("pg_dump") else "django"
    if method not in METHODS:
        raise BackupError(f"--method: {method!r} is not one of {', '.join(METHODS)}")
    if method == "sqlite" and vendor != "sqlite":
        raise BackupError(f"--method: sqlite backs up a SQLite database; this one is {vendor} (use pg_dump or django)")
    if method == "pg_dump":
        if vendor != "postgresql":
            raise BackupError(f"--method: pg_dump backs up a PostgreSQL database; this one is {vendor}")
        if not shutil.which("pg_dump"):
            raise BackupError("--method: pg_dump is not on PATH (install the PostgreSQL client, or use django)")
    return method


def _pg_command(tool: str) -> tuple[list[str], dict[str, str]]:
    db: dict[str, Any] = dict(settings.DATABASES["default"])
    command = [tool, "--no-owner", "--no-privileges", "--dbname", str(db["NAME"])]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            command += [flag, str(db[key])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return command, env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{command[0]} failed (exit {done.returncode}): {last}")


def _dump_database(method: str, target: Path) -> None:
    if method == "sqlite":
        source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]), timeout=20)
        copy = sqlite3.connect(str(target))
        try:
            source.backup(copy)  # a consistent snapshot, page by page, while writers go on
        finally:
            copy.close()
            source.close()
    elif method == "pg_dump":
        command, env = _pg_command("pg_dump")
        _run([*command, "--format=custom", "--file", str(target)], env)
    else:
        # Every table of every app, content types and permissions included, with their primary keys (the
        # audit chain's hashes cover the ids it names), through the base managers.
        call_command("dumpdata", use_base_manager=True, output=str(target), format="xml", verbosity=0)


def create_backup(out: Path, *, method: str | None = None, include_files: bool = True) -> Summary:
    """Write the database and (unless `include_files` is off) every stored file to the archive `out`.

    The archive is written beside `out` and renamed into place when complete, readable by its owner
    only (it holds password hashes and every organisation's data)."""
    chosen = _choose_method(method)
    out = out.resolve()
    if out.is_dir():
        raise BackupError(f"--out: {out} is a folder; name the archive file to write")
    if not out.parent.is_dir():
        raise BackupError(f"--out: the folder {out.parent} does not exist")
    storage = _storage()
    names = list(_stored_names(storage)) if include_files else []
    heads = _chain_heads()
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "accord": _accord_version(),
        "database": {"engine": connection.vendor, "method": chosen, "member": _MEMBERS[chosen]},
        "migrations": _applied_migrations(),
        "files": len(names),
        "audit": heads,
    }
    partial = out.with_name(f".{out.name}.partial")
    try:
        with tempfile.TemporaryDirectory(prefix="accord-backup-") as work:
            dump = Path(work) / _MEMBERS[chosen]
            _dump_database(chosen, dump)
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
                text = json.dumps(manifest, indent=2).encode("utf-8")
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(text)
                archive.addfile(info, io.BytesIO(text))
                archive.add(dump, arcname=_MEMBERS[chosen], recursive=False)
                for name in names:
                    info = tarfile.TarInfo(FILES + name)
                    info.size = storage.size(name)
                    with storage.open(name, "rb") as handle:
                        archive.addfile(info, handle)
                raw.flush()
                os.fsync(raw.fileno())
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return Summary(out, chosen, len(names), len(heads), sum(h["events"] for h in heads.values()))


def _open(source: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(source, mode="r:gz")
    except FileNotFoundError:
        raise BackupError(f"{source}: no such file") from None
    except (tarfile.TarError, OSError, EOFError):
        raise BackupError(f"{source}: not an Accord backup (not a gzip-compressed tar archive)") from None


def _manifest_of(archive: tarfile.TarFile, source: Path) -> dict[str, Any]:
    try:
        handle = archive.extractfile(MANIFEST)
    except KeyError:
        handle = None
    if handle is None:
        raise BackupError(f"{source}: not an Accord backup (no {MANIFEST} in it)")
    try:
        manifest = json.loads(handle.read().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BackupError(f"{source}: {MANIFEST} is not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{source}: not an Accord backup ({MANIFEST} does not say format {FORMAT!r})")
    if manifest.get("version") != VERSION:
        raise BackupError(f"{source}: backup format version {manifest.get('version')!r}; this Accord reads "
                          f"version {VERSION}")
    database = manifest.get("database")
    if not isinstance(database, dict) or database.get("method") not in METHODS:
        raise BackupError(f"{source}: {MANIFEST} names no database method this Accord knows")
    return manifest


def read_manifest(source: Path) -> dict[str, Any]:
    """The manifest of the archive `source` (a `BackupError` naming the problem if it is not a backup)."""
    with _open(source) as archive:
        return _manifest_of(archive, source)


def _check_restorable(manifest: dict[str, Any], source: Path) -> list[str]:
    """Refuse what this installation cannot take; return the migrations the backup lacks."""
    method, engine = manifest["database"]["method"], manifest["database"].get("engine")
    vendor = connection.vendor
    if method in ("sqlite", "pg_dump") and engine != vendor:
        raise BackupError(f"{source}: a {engine} backup (made with {method}) cannot be restored into this {vendor} "
                          "database; make the backup with --method django to move between engines")
    if method == "pg_dump" and not shutil.which("pg_restore"):
        raise BackupError("pg_restore is not on PATH: install the PostgreSQL client to restore this backup")
    known = {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}
    unknown = sorted(set(manifest.get("migrations", [])) - known)
    if unknown:
        raise BackupError(f"{source}: made by a newer Accord (migration {unknown[0]} is unknown here); restore it "
                          f"with Accord {manifest.get('accord', '?')} or later")
    return sorted(known - set(manifest.get("migrations", [])))


def _restore_database(method: str, dump: Path) -> None:
    connections.close_all()
    if method == "sqlite":
        target = Path(str(settings.DATABASES["default"]["NAME"]))
        target.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(str(dump))
        live = sqlite3.connect(str(target), timeout=20)
        try:
            source.backup(live)  # replaces every page of the configured file, under its write lock
        finally:
            live.close()
            source.close()
    elif method == "pg_dump":
        command, env = _pg_command("pg_restore")
        _run([*command, "--clean", "--if-exists", "--single-transaction", "--exit-on-error", str(dump)], env)
    else:
        call_command("migrate", interactive=False, verbosity=0)
        # post_migrate would re-create content types and permissions under new keys: the dump has the old.
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        call_command("loaddata", str(dump), verbosity=0)
    connections.close_all()


def restore_backup(source: Path) -> Summary:
    """Replace the database and write back the stored files from the archive `source`, then compare
    every organisation's audit chain head with the manifest's (a `BackupError` if one differs)."""
    source = source.resolve()
    with _open(source) as archive:
        manifest = _manifest_of(archive, source)
        pending = _check_restorable(manifest, source)
        method = manifest["database"]["method"]
        member = _MEMBERS[method]
        files = [m for m in archive.getmembers() if m.isfile() and m.name.startswith(FILES)]
        if len(files) != manifest.get("files"):
            raise BackupError(f"{source}: holds {len(files)} stored files, its manifest says {manifest.get('files')} "
                              "(the archive is incomplete)")
        with tempfile.TemporaryDirectory(prefix="accord-restore-") as work:
            dump = Path(work) / member
            try:
                handle = archive.extractfile(member)
            except KeyError:
                handle = None
            if handle is None:
                raise BackupError(f"{source}: the database ({member}) is missing from the archive")
            with dump.open("wb") as out:
                shutil.copyfileobj(handle, out)
            _restore_database(method, dump)
        storage = _storage()
        restored = set()
        for info in files:
            name = info.name[len(FILES):]
            handle = archive.extractfile(info)
            if handle is None:  # pragma: no cover - isfile() members always have content
                continue
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, File(handle, name=name))
            if saved != name:
                raise BackupError(f"{source}: the stored file {name!r} could not be written back under its name")
            restored.add(name)
    left = sum(1 for name in _stored_names(storage) if name not in restored)
    heads = _chain_heads()
    expected = manifest.get("audit", {})
    for slug, head in expected.items():
        if heads.get(slug) != head:
            raise BackupError(f"restored audit chain of {slug} does not match the backup's manifest "
                              f"({heads.get(slug)} against {head})")
    if set(heads) != set(expected):
        raise BackupError(f"the restored database has organisations the backup's manifest does not name: "
                          f"{', '.join(sorted(set(heads) - set(expected)))}")
    events = sum(h["events"] for h in heads.values())
    return Summary(source, method, len(restored), len(heads), events, files_left=left,
                   pending_migrations=len(pending))
