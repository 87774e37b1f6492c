"""Backups of a whole installation: its database and its stored files in one archive (decision 0032).

`accord backup create --out FILE` and `accord backup restore FILE` (`accord.core.backup.cli`) call
`create_backup` and `restore_backup` (`accord.core.backup.archive`).
"""

from accord.core.backup.archive import BackupError, Summary, create_backup, read_manifest, restore_backup

__all__ = ["BackupError", "Summary", "create_backup", "read_manifest", "restore_backup"]
