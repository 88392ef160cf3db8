"""`manage.py backup [PATH]`: an encrypted backup of the database (waypoint/core/backups.py).

PATH is a file, or a folder in which ``waypoint-<UTC time>.wpbackup`` is made (default:
``<WAYPOINT_VAR_DIR>/backups/``). Safe while the app runs. The file appears only when it
is complete (written beside it, then renamed), readable by this user only.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from waypoint.core import backups

KEYS_WARNING = """\
KEEP THESE SAFE, AND APART FROM THIS FILE — without them this backup cannot be read:
  - {key}: it seals the whole backup;
  - ENCRYPTION_KEYS master key(s) {masters}: journals, notes and secrets stay encrypted
    inside the backup and open only with them.
A backup next to its keys protects nothing; a backup without them restores nothing."""


def describe_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return str(size)


class Command(BaseCommand):
    help = "Write an encrypted backup of the database (safe while Waypoint runs)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", nargs="?", help="a file, or a folder (default: WAYPOINT_VAR_DIR/backups/)")
        parser.add_argument("--keep", type=int, default=0, help="in a folder, keep only the newest N backups")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, path: str | None, keep: int, database: str, **options: Any) -> None:
        target = self._target(path)
        try:
            key = backups.sealing_key()
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        partial = target.with_name(f".{target.name}.partial")
        started = time.monotonic()
        try:
            with (
                backups.private_scratch() as scratch,
                backups.dump_stream(database, Path(scratch)) as (stream, manifest),
            ):
                descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(descriptor, "wb") as out:
                    size = backups.write_archive(out, stream, manifest=manifest, key=key)
                    out.flush()
                    os.fsync(out.fileno())
            os.replace(partial, target)
        except backups.BackupError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(str(exc)) from exc
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        masters = ", ".join(manifest["master_key_ids"]) or "(none yet: no data keys stored)"
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written: {target} ({describe_size(target.stat().st_size)}; a {manifest['database']['vendor']} "
                f"database of {describe_size(size)}, {sum(len(v) for v in manifest['migrations'].values())} "
                f"migrations, {manifest['data_keys']} data keys; {time.monotonic() - started:.1f} s)"
            )
        )
        self.stdout.write(self.style.WARNING(KEYS_WARNING.format(key=key.describe(), masters=masters)))
        if keep and (path is None or Path(path).is_dir()):
            for old in self._prune(target.parent, keep):
                self.stdout.write(f"Removed the old backup {old}")

    def _target(self, path: str | None) -> Path:
        folder = Path(path) if path else Path(settings.VAR_DIR) / "backups"
        if path is None or folder.is_dir() or path.endswith(os.sep):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
            target = folder / f"waypoint-{stamp}Z{backups.SUFFIX}"
            counter = 1
            while target.exists():
                counter += 1
                target = folder / f"waypoint-{stamp}Z-{counter}{backups.SUFFIX}"
            return target
        target = Path(path)
        if not target.parent.is_dir():
            raise CommandError(f"The folder {target.parent} does not exist.")
        return target

    def _prune(self, folder: Path, keep: int) -> list[Path]:
        mine = sorted(folder.glob(f"waypoint-*{backups.SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
        removed = []
        for old in mine[keep:]:
            old.unlink(missing_ok=True)
            removed.append(old)
        return removed
