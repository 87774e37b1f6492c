"""`accord backup create|restore|show`: one archive holds the database and the stored files, and a
restore gives back the same rows, the same files and audit chains that verify (decision 0032)."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection

from accord.cli import main
from accord.core.backup import BackupError, create_backup, read_manifest, restore_backup
from accord.core.backup.archive import FILES, FORMAT, MANIFEST, VERSION
from accord.envconf import file_storage

ROOT = Path(__file__).resolve().parents[2]
ACCORD = [sys.executable, "-m", "accord.cli"]


@pytest.fixture
def local_storage(settings, tmp_path: Path) -> Path:
    """The default storage in a folder of this test's own."""
    media = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": file_storage("", media)}  # Django resets `storages`
    return media


def _archive(path: Path, manifest: dict[str, object], members: dict[str, bytes] | None = None) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in {MANIFEST: json.dumps(manifest).encode(), **(members or {})}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def _manifest(**changes: object) -> dict[str, object]:
    manifest: dict[str, object] = {
        "format": FORMAT, "version": VERSION, "accord": "0.1.0", "migrations": [], "files": 0, "audit": {},
        "database": {"engine": connection.vendor, "method": "django", "member": "database.xml"},
    }
    manifest.update(changes)
    return manifest


# --- what an archive holds ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_backup_holds_the_database_the_stored_files_and_each_chain_head(org_a, org_b, local_storage, tmp_path):
    storages["default"].save("evidence/org-a/review.txt", ContentFile(b"reviewed"))
    out = tmp_path / "backup.tar.gz"
    summary = create_backup(out, method="django")
    assert (summary.method, summary.files, summary.organisations) == ("django", 1, 2)
    assert out.stat().st_mode & 0o777 == 0o600  # it holds password hashes and every organisation's data
    with tarfile.open(out, "r:gz") as archive:
        names = archive.getnames()
        assert names[0] == MANIFEST
        assert "database.xml" in names
        assert archive.extractfile(FILES + "evidence/org-a/review.txt").read() == b"reviewed"
        dump = archive.extractfile("database.xml").read().decode()
    assert "CANARYB Bank" in dump and "Alpha Clinic" in dump
    manifest = read_manifest(out)
    assert manifest["files"] == 1
    assert "core.0001_initial" in manifest["migrations"]
    assert set(manifest["audit"]) == {"org-a", "org-b"}
    assert all(head["last_hash"] for head in manifest["audit"].values())


@pytest.mark.django_db
def test_no_files_leaves_the_stored_files_out(org_a, local_storage, tmp_path):
    storages["default"].save("reports/register.pdf", ContentFile(b"%PDF"))
    summary = create_backup(tmp_path / "b.tar.gz", method="django", include_files=False)
    assert summary.files == 0
    with tarfile.open(tmp_path / "b.tar.gz", "r:gz") as archive:
        assert not [n for n in archive.getnames() if n.startswith(FILES)]


@pytest.mark.django_db
def test_a_method_that_does_not_fit_the_database_is_refused_naming_the_option(tmp_path):
    other = "pg_dump" if connection.vendor == "sqlite" else "sqlite"
    with pytest.raises(BackupError, match=r"^--method: "):
        create_backup(tmp_path / "b.tar.gz", method=other)


# --- what a restore refuses (before touching the database) ------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not an archive at all", "not an Accord backup (not a gzip-compressed tar archive)"),
        (None, "no accord-backup.json in it"),
    ],
)
def test_a_file_that_is_not_a_backup_is_refused_in_one_sentence(tmp_path, content, message):
    path = tmp_path / "x.tar.gz"
    if content is None:
        with tarfile.open(path, "w:gz") as archive:
            archive.addfile(tarfile.TarInfo("something-else.txt"), io.BytesIO(b""))
    else:
        path.write_bytes(content)
    with pytest.raises(BackupError, match=re.escape(message)):
        read_manifest(path)


def test_a_backup_of_another_format_version_is_refused(tmp_path):
    path = _archive(tmp_path / "b.tar.gz", _manifest(version=VERSION + 1))
    with pytest.raises(BackupError, match=f"format version {VERSION + 1}; this Accord reads version {VERSION}"):
        read_manifest(path)


@pytest.mark.django_db
def test_a_backup_made_by_a_newer_accord_is_refused_naming_the_migration(tmp_path):
    path = _archive(tmp_path / "b.tar.gz", _manifest(migrations=["core.9999_from_the_future"], accord="9.0"))
    with pytest.raises(BackupError, match=r"newer Accord \(migration core.9999_from_the_future is unknown here\)"):
        restore_backup(path)


@pytest.mark.django_db
def test_an_engine_specific_dump_is_not_restored_into_the_other_engine(tmp_path):
    engine, method = ("postgresql", "pg_dump") if connection.vendor == "sqlite" else ("sqlite", "sqlite")
    path = _archive(tmp_path / "b.tar.gz", _manifest(database={"engine": engine, "method": method, "member": "x"}))
    with pytest.raises(BackupError, match="--method django to move between engines"):
        restore_backup(path)


@pytest.mark.django_db
def test_an_archive_missing_stored_files_its_manifest_counts_is_refused(tmp_path):
    path = _archive(tmp_path / "b.tar.gz", _manifest(files=2), {FILES + "a.txt": b"a"})
    with pytest.raises(BackupError, match="holds 1 stored files, its manifest says 2"):
        restore_backup(path)


def test_restore_without_yes_refuses_in_one_line(capsys, tmp_path):
    assert main(["backup", "restore", str(tmp_path / "b.tar.gz")]) == 1
    err = capsys.readouterr().err
    assert "run it again with --yes" in err
    assert err.count("\n") == 1


# --- the round trip, as an operator runs it -------------------------------------------------------


def _accord(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([*ACCORD, *args], env=env, capture_output=True, text=True, check=False,  # noqa: S603
                          cwd=ROOT, timeout=300)
    assert done.returncode == 0, f"accord {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


@pytest.mark.parametrize("method", ["sqlite", "django"])
def test_back_up_wipe_and_restore_gives_back_the_rows_the_files_and_chains_that_verify(tmp_path, method):
    var = tmp_path / "var"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ACCORD_VAR_DIR": str(var),
           "ACCORD_DATABASE_URL": f"sqlite:///{var}/accord.sqlite3"}
    _accord(env, "migrate", "--no-input", "-v", "0")
    _accord(env, "org", "create", "acme", "--name", "Acme")
    _accord(env, "user", "create", "ciso@acme.test")
    _accord(env, "member", "add", "acme", "ciso@acme.test", "ciso")
    evidence = var / "media" / "evidence" / "acme" / "scan.txt"
    evidence.parent.mkdir(parents=True)
    evidence.write_bytes(b"scan results")
    before = _accord(env, "audit", "verify")
    archive = tmp_path / "backup.tar.gz"
    assert "1 stored file(s), 1 organisation(s)" in _accord(env, "backup", "create", "--out", str(archive),
                                                               "--method", method)
    for path in var.glob("accord.sqlite3*"):
        path.unlink()
    evidence.unlink()
    restored = _accord(env, "backup", "restore", str(archive), "--yes")
    assert "every chain head as backed up" in restored
    assert _accord(env, "audit", "verify") == before
    assert evidence.read_bytes() == b"scan results"
    assert "ciso@acme.test\tciso" in _accord(env, "member", "list", "acme")


# --- where stored files live ----------------------------------------------------------------------


def test_stored_files_are_local_under_var_media_by_default(tmp_path):
    backend = file_storage("", tmp_path / "media")
    assert backend["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert backend["OPTIONS"]["location"] == str(tmp_path / "media")


def test_an_s3_url_names_the_bucket_and_prefix_and_keeps_objects_private(monkeypatch, tmp_path):
    monkeypatch.setenv("ACCORD_S3_ENDPOINT_URL", "http://127.0.0.1:9000")
    monkeypatch.setenv("ACCORD_S3_ACCESS_KEY_ID", "drill")
    monkeypatch.setenv("ACCORD_S3_SECRET_ACCESS_KEY", "drill-secret")
    backend = file_storage("s3://accord-files/prod/", tmp_path)
    assert backend["BACKEND"] == "storages.backends.s3.S3Storage"
    options = backend["OPTIONS"]
    assert (options["bucket_name"], options["location"]) == ("accord-files", "prod")
    assert options["endpoint_url"] == "http://127.0.0.1:9000"
    assert options["default_acl"] is None and options["querystring_auth"] is True
    assert options["file_overwrite"] is False


@pytest.mark.parametrize("url", ["ftp://files", "s3://", "/srv/files"])
def test_a_storage_url_that_is_not_s3_is_refused_naming_the_variable(url, tmp_path):
    with pytest.raises(ImproperlyConfigured, match=r"^ACCORD_STORAGE_URL="):
        file_storage(url, tmp_path)


def test_half_a_pair_of_s3_credentials_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("ACCORD_S3_ACCESS_KEY_ID", "drill")
    monkeypatch.delenv("ACCORD_S3_SECRET_ACCESS_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="both ACCORD_S3_ACCESS_KEY_ID and ACCORD_S3_SECRET_ACCESS_KEY"):
        file_storage("s3://bucket", tmp_path)
