"""`accord backup create|restore|show`: the whole installation in one archive, and back (decision 0032).

    accord backup create --out FILE [--method sqlite|pg_dump|django] [--no-files]
    accord backup restore FILE --yes
    accord backup show FILE
"""

from __future__ import annotations

import argparse
from pathlib import Path

from accord.cli_support import CliError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `backup` and its verbs to the `accord` command."""
    backup = sub.add_parser(
        "backup", help="back up or restore the database and the stored files",
        description="Back up the database and every stored file into one archive, or restore one (docs/deployment.md).",
    ).add_subparsers(dest="backup_verb", metavar="ACTION", required=True)
    p = backup.add_parser("create", help="write the database and the stored files to an archive")
    p.add_argument("--out", required=True, metavar="FILE", help="the archive to write (.tar.gz)")
    p.add_argument("--method", choices=("sqlite", "pg_dump", "django"),
                   help="how the database is dumped (default: sqlite on SQLite; pg_dump on PostgreSQL when it is "
                        "on PATH, else django; django also moves an installation from one engine to the other)")
    p.add_argument("--no-files", action="store_true", help="leave the stored files (evidence, reports) out")
    p.set_defaults(handler=_create)
    p = backup.add_parser("restore", help="replace the database and write back the stored files from an archive")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--yes", action="store_true",
                   help="confirm that the database is replaced (stop the servers and workers first)")
    p.set_defaults(handler=_restore)
    p = backup.add_parser("show", help="print what an archive holds")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(handler=_show)


def _create(args: argparse.Namespace) -> int:
    from accord.core.cli import setup

    setup()
    from accord.core.backup import BackupError, create_backup

    try:
        summary = create_backup(Path(args.out), method=args.method, include_files=not args.no_files)
    except BackupError as exc:
        raise CliError(str(exc)) from None
    print(f"backup written to {summary.path}: database ({summary.method}), {summary.files} stored file(s), "
          f"{summary.organisations} organisation(s), {summary.events} audit event(s)")
    return 0


def _restore(args: argparse.Namespace) -> int:
    if not args.yes:
        raise CliError("restore replaces the whole database and the stored files it holds: stop the servers and "
                       "workers, then run it again with --yes")
    from accord.core.cli import setup

    setup()
    from accord.core.backup import BackupError, restore_backup

    try:
        summary = restore_backup(Path(args.file))
    except BackupError as exc:
        raise CliError(str(exc)) from None
    print(f"restored {summary.path}: database ({summary.method}), {summary.files} stored file(s), "
          f"{summary.organisations} organisation(s), {summary.events} audit event(s), every chain head as backed up")
    if summary.files_left:
        print(f"{summary.files_left} stored file(s) that the backup does not hold were left in place")
    if summary.pending_migrations:
        print(f"the backup predates {summary.pending_migrations} migration(s) of this Accord: run `accord migrate`")
    print("next: `accord audit verify` recomputes every chain with this installation's audit keys")
    return 0


def _show(args: argparse.Namespace) -> int:
    from accord.core.cli import setup

    setup()
    from accord.core.backup import BackupError, read_manifest

    try:
        manifest = read_manifest(Path(args.file))
    except BackupError as exc:
        raise CliError(str(exc)) from None
    database = manifest["database"]
    print(f"Accord backup of {manifest.get('created')} by Accord {manifest.get('accord')}: "
          f"{database.get('engine')} database ({database['method']}), {manifest.get('files')} stored file(s), "
          f"{len(manifest.get('migrations', []))} migration(s) applied")
    for slug, head in sorted(manifest.get("audit", {}).items()):
        print(f"  {slug}: {head.get('events')} audit event(s), head {str(head.get('last_hash'))[:16]}")
    return 0
