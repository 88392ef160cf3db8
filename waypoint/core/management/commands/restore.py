"""`manage.py restore [PATH]`: replaces the database with an encrypted backup.

PATH is a backup file, or a folder whose newest backup is used (default:
``<WAYPOINT_VAR_DIR>/backups/``). The whole archive is checked and opened into a private
temporary file before the database is touched: a wrong key, a changed byte, a backup of
the other kind of database, one made by a newer version, or one whose data keys need a
master key this deployment does not have, stops it with nothing changed.
Stop the web workers and the task consumer first (docs/operations.md, "Restore").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader

from waypoint.core import backups, crypto


class Command(BaseCommand):
    help = "Replace the database with an encrypted backup (checked whole before anything changes)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", nargs="?", help="a backup file, or a folder: its newest backup")
        parser.add_argument("--inspect", action="store_true", help="show the backup's manifest (needs no key) and stop")
        parser.add_argument(
            "--verify-only", action="store_true", help="open and check the whole backup, change nothing"
        )
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, path: str | None, inspect: bool, verify_only: bool, interactive: bool,
               database: str, **options: Any) -> None:  # fmt: skip
        source = self._source(path)
        try:
            with source.open("rb") as stream:
                header, _ = backups.read_header(stream)
        except backups.BackupError as exc:
            raise CommandError(f"{source}: {exc}") from exc
        manifest = header["manifest"]
        self.stdout.write(f"Backup {source}: {self._summary(header)}")
        if inspect:
            self.stdout.write(json.dumps(header, indent=2, sort_keys=True))
            return
        self._check_fits(manifest, database)
        with backups.private_scratch() as scratch:
            dump = Path(scratch) / "database"
            try:
                with source.open("rb") as stream, dump.open("wb") as out:
                    backups.open_archive(stream, out)
            except backups.BackupError as exc:
                raise CommandError(f"{source}: {exc} Nothing was changed.") from exc
            self.stdout.write("The whole backup opened and checked out.")
            if verify_only:
                return
            if interactive and not self._confirmed(database):
                raise CommandError("Nothing was changed.")
            try:
                backups.restore_database(database, dump, manifest)
            except backups.BackupError as exc:
                raise CommandError(str(exc)) from exc
        crypto.forget_cached_keys()
        self.stdout.write(self.style.SUCCESS(f"Restored the database from {source} ({manifest['created_at']})."))
        self.stdout.write(
            "Next: `manage.py migrate` (a backup older than this code gets the newer migrations), then start "
            "Waypoint again. People signed in since the backup are signed out."
        )

    def _source(self, path: str | None) -> Path:
        source = Path(path) if path else Path(settings.VAR_DIR) / "backups"
        if source.is_dir():
            found = sorted(source.glob(f"waypoint-*{backups.SUFFIX}"), key=lambda p: p.stat().st_mtime)
            if not found:
                raise CommandError(f"No backups (waypoint-*{backups.SUFFIX}) in {source}.")
            return found[-1]
        if not source.is_file():
            raise CommandError(f"{source} does not exist.")
        return source

    def _summary(self, header: dict[str, Any]) -> str:
        manifest = header["manifest"]
        count = sum(len(names) for names in manifest.get("migrations", {}).values())
        return (
            f"made {manifest.get('created_at')} by Waypoint {manifest.get('waypoint_version')}, a "
            f"{manifest['database']['vendor']} database with {count} migrations and {manifest.get('data_keys', 0)} "
            f"data keys (master keys: {', '.join(manifest.get('master_key_ids', [])) or 'none'}); sealed with "
            f"{'BACKUP_KEY' if header['key']['source'] == 'BACKUP_KEY' else 'a key derived from ENCRYPTION_KEYS'} "
            f"(key id {header['key']['id']})"
        )

    def _check_fits(self, manifest: dict[str, Any], database: str) -> None:
        """Refuses, before anything is opened, a backup this deployment could not use."""
        vendor = manifest["database"]["vendor"]
        here = connections[database].vendor
        if vendor != here:
            raise CommandError(
                f"This is a backup of a {vendor} database; this deployment uses {here}. Nothing was changed."
            )
        configured = {key.id for key in crypto.master_keys()}
        missing = sorted(set(manifest.get("master_key_ids", [])) - configured)
        if missing:
            raise CommandError(
                f"The data in this backup needs ENCRYPTION_KEYS master key(s) {', '.join(missing)}, which this "
                "deployment does not have: journals, notes and secrets would not open. Add them to ENCRYPTION_KEYS "
                "(after the current key). Nothing was changed."
            )
        known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
        unknown = sorted(
            f"{app}.{name}" for app, names in manifest.get("migrations", {}).items() for name in names
            if (app, name) not in known
        )  # fmt: skip
        if unknown:
            raise CommandError(
                f"This backup was made by a newer version of Waypoint (migrations {', '.join(unknown[:5])}"
                f"{'…' if len(unknown) > 5 else ''} are unknown here). Install that version first. Nothing was changed."
            )

    def _confirmed(self, database: str) -> bool:
        name = connections[database].settings_dict.get("NAME")
        answer = input(
            f"This replaces EVERYTHING in the database {name} with the backup. Stop the web workers and the task "
            "consumer first. Type 'yes' to go on: "
        )
        return answer.strip().lower() == "yes"
