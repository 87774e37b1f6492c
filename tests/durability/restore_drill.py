"""Restore drill: back up, wipe, restore, and prove that nothing was lost and every audit chain verifies.

Run by .ci/run on SQLite and on PostgreSQL (not a pytest module: it drives the `accord` command as an
operator would, each step a new process):

    .venv/bin/python tests/durability/restore_drill.py                    # a fresh SQLite file
    .venv/bin/python tests/durability/restore_drill.py --database-url postgres://…/accord_drill   # an empty database
    .venv/bin/python tests/durability/restore_drill.py --method django    # the engine-neutral dump

Steps: migrate and load the demo organisations (their risks, appetites, acceptances and audit events),
store files in the default storage (as evidence and reports are), write an audit checkpoint, count
every table's rows; `accord backup create`; wipe the database (delete the SQLite file, or drop
PostgreSQL's schema) and the stored files; `accord backup restore`; then `accord audit verify
--checkpoints` (every chain intact and as long as checkpointed), the same row counts and the same
files, byte for byte. Exit status 0 on success, 1 naming what differs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ACCORD = Path(sys.executable).parent / "accord"

# Run inside `accord shell -c`: every model's row count, and every stored file's name and content.
FINGERPRINT = """
import hashlib, json
from django.apps import apps
from django.core.files.storage import storages
storage = storages["default"]
def walk(folder=""):
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from walk(f"{folder}/{sub}" if folder else sub)
rows = {m._meta.label: m._base_manager.count() for m in apps.get_models()}
files = {}
for name in walk():
    with storage.open(name, "rb") as handle:
        files[name] = hashlib.sha256(handle.read()).hexdigest()
print(json.dumps({"rows": rows, "files": files}, sort_keys=True))
"""

STORE = """
from django.core.files.base import ContentFile
from django.core.files.storage import storages
storage = storages["default"]
storage.save("evidence/demo/firewall-review.txt", ContentFile(b"Firewall rules reviewed; two rules removed.\\n"))
storage.save("reports/demo/register.pdf", ContentFile(bytes(range(256)) * 64))
"""


def run(argv: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False, cwd=ROOT)  # noqa: S603
    if done.returncode != 0:
        sys.exit(f"restore drill: {' '.join(argv[1:4])} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def environment(var_dir: str, database_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "ACCORD_DEBUG": "0", "ACCORD_HTTPS": "0", "ACCORD_VAR_DIR": var_dir,
        "ACCORD_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ACCORD_SECRET_KEY": "restore-drill-only-secret-key-that-is-long-enough-0123456789",
        # The audit keys live outside the database and the backup: the restored installation has the same.
        "ACCORD_AUDIT_KEY": "drill:restore-drill-only-audit-key-that-is-long-enough",
        "ACCORD_DATABASE_URL": database_url or f"sqlite:///{var_dir}/drill.sqlite3",
    })
    return env


def wipe(env: dict[str, str], var_dir: Path) -> None:
    """Lose the database and the stored files, as a dead disk or a dropped database would."""
    url = env["ACCORD_DATABASE_URL"]
    if url.startswith("sqlite"):
        for path in var_dir.glob("drill.sqlite3*"):
            path.unlink()
    else:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
    shutil.rmtree(var_dir / "media", ignore_errors=True)


def fingerprint(env: dict[str, str]) -> dict[str, dict[str, object]]:
    out = run([str(ACCORD), "shell", "--no-imports", "-c", FINGERPRINT], env)
    result: dict[str, dict[str, object]] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an empty database (default: a fresh SQLite file)")
    parser.add_argument("--method", choices=("sqlite", "pg_dump", "django"), help="passed to `accord backup create`")
    args = parser.parse_args()
    engine = "PostgreSQL" if (args.database_url or "").startswith("postgres") else "SQLite"
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="accord-drill-") as name:
        var_dir = Path(name)
        env = environment(name, args.database_url)
        run([str(ACCORD), "demo", "--no-serve"], env)
        run([str(ACCORD), "shell", "--no-imports", "-c", STORE], env)
        checkpoints = var_dir / "checkpoints"  # kept apart from the database, as docs/audit.md asks
        run([str(ACCORD), "audit", "checkpoint", "--out", str(checkpoints)], env)
        before = fingerprint(env)
        archive = var_dir / "backup.tar.gz"
        method = ["--method", args.method] if args.method else []
        created = run([str(ACCORD), "backup", "create", "--out", str(archive), *method], env).strip()
        print(f"{created} ({time.monotonic() - started:.0f} s)", flush=True)
        wipe(env, var_dir)
        lost = subprocess.run([str(ACCORD), "audit", "verify"], env=env, capture_output=True,  # noqa: S603
                              text=True, check=False, cwd=ROOT)
        if lost.returncode == 0 and lost.stdout.strip() != "audit chains intact: 0 organisation(s), 0 event(s)":
            sys.exit(f"restore drill: the wipe left the database in place ({lost.stdout.strip()})")
        restored = run([str(ACCORD), "backup", "restore", str(archive), "--yes"], env).strip().splitlines()[0]
        print(f"{restored} ({time.monotonic() - started:.0f} s)", flush=True)
        verify = subprocess.run([str(ACCORD), "audit", "verify", "--checkpoints", str(checkpoints)],  # noqa: S603
                                env=env, capture_output=True, text=True, check=False, cwd=ROOT)
        after = fingerprint(env)
    problems = []
    if verify.returncode != 0:
        problems.append(f"audit verify after the restore: {verify.stderr.strip() or verify.stdout.strip()}")
    for part in ("rows", "files"):
        for key in sorted(set(before[part]) | set(after[part])):
            if before[part].get(key) != after[part].get(key):
                problems.append(f"{part} {key}: {before[part].get(key)} before, {after[part].get(key)} after")
    rows = sum(int(str(n)) for n in before["rows"].values())
    print(f"restore drill on {engine}: {rows} rows in {len(before['rows'])} tables and {len(before['files'])} "
          f"stored files backed up, wiped and restored; {len(problems)} difference(s); audit verify: "
          f"{verify.stdout.strip() or verify.stderr.strip()} ({time.monotonic() - started:.0f} s)")
    for problem in problems[:20]:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
