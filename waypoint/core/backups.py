"""Encrypted backups of the database: the format, the key, and the two databases' ways in and out.

**What a backup holds.** The whole database — SQLite copied through its online backup API
(safe while the app runs), PostgreSQL through ``pg_dump --format=custom`` (one consistent
snapshot, the same one the manifest is read from). Not the task queue (it is rebuilt: the
database is the source of truth for what must happen) and not the keys.

**The archive.** ``WAYPOINT-BACKUP`` magic, a JSON header, then the dump in chunks of
1 MiB, each sealed with AES-256-GCM (the ``cryptography`` package)::

    magic (16 bytes) | header length (4) | header (JSON) | chunk*   chunk = length (4) | sealed

The header is readable without the key (``restore --inspect``) but authenticated: it is
part of every chunk's associated data, so changing it breaks every chunk. Each chunk's
nonce is a random per-archive prefix, the chunk's number and a "last chunk" flag, so
chunks cannot be reordered, dropped or cut off without the archive failing to open. The
archive key is derived (HKDF-SHA256) from the backup key and a random per-archive salt.
The header carries the **manifest**: format version, date, database kind, applied
migrations, the ids of the master keys the stored data keys need, and which backup key
sealed it (by id, never the key).

**The backup key.** ``BACKUP_KEY`` (32 random bytes, URL-safe base64; ``_FILE`` works) when
set; otherwise a key derived from the newest ``ENCRYPTION_KEYS`` master key, so a
deployment has one secret less to keep — but then that master key is needed to open the
backup, even after it has been rotated out. Either way the key never enters the archive.

**What the keys mean.** A backup is unreadable without its backup key. Inside it, people's
journals, notes and secrets are still encrypted with their data keys, which open only with
the ``ENCRYPTION_KEYS`` master keys the manifest names: restoring without them gives a
database whose personal text cannot be read (and ``check`` refuses to start it, E006).

Restoring reads and checks the *whole* archive into a private temporary file before it
touches the database: a wrong key or a changed byte stops it with nothing changed.
PostgreSQL is then replaced in one transaction (``psql --single-transaction``); SQLite
through the backup API, which replaces the database in one step.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connections

MAGIC = b"WAYPOINT-BACKUP\x00"
FORMAT = 1
CHUNK = 1 << 20
SUFFIX = ".wpbackup"
_TAG = 16
_NONCE_PREFIX = 7
_LENGTH = struct.Struct(">I")
# The task queue's tables on PostgreSQL (core migration 0002): their rows are not backed up
# (a restored queue would run old work again, and could hold a lock of a dead consumer).
QUEUE_TABLES = "huey_*"


class BackupError(Exception):
    """Something an operator must hear about, in plain words (shown as the command's error)."""


# --- Keys -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupKey:
    key: bytes
    source: str  # "BACKUP_KEY" or "ENCRYPTION_KEYS"
    id: str  # BACKUP_KEY: a hash of it; ENCRYPTION_KEYS: the master key's id

    def describe(self) -> str:
        if self.source == "BACKUP_KEY":
            return f"BACKUP_KEY (key id {self.id})"
        return f"a key derived from ENCRYPTION_KEYS master key {self.id}"


def _decode_key(text: str, name: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (ValueError, UnicodeEncodeError):
        raw = b""
    if len(raw) != 32:
        raise BackupError(
            f"{name} is not 32 bytes in URL-safe base64 (make one with: .venv/bin/python -c "
            "'import base64,os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())')."
        )
    return raw


def backup_key_id(key: bytes) -> str:
    return hashlib.sha256(b"waypoint-backup-key:" + key).hexdigest()[:16]


def _derive_from_master(master: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"waypoint-backup-key-v1").derive(master)


def sealing_key() -> BackupKey:
    """The key new backups are sealed with."""
    if settings.BACKUP_KEY:
        key = _decode_key(settings.BACKUP_KEY, "BACKUP_KEY")
        return BackupKey(key=key, source="BACKUP_KEY", id=backup_key_id(key))
    from waypoint.core import crypto

    master = crypto.current_master_key()
    return BackupKey(key=_derive_from_master(master.key), source="ENCRYPTION_KEYS", id=master.id)


def opening_key(header: dict[str, Any]) -> BackupKey:
    """The key that opens an archive with this header, from this deployment's settings."""
    wanted = header.get("key", {})
    source, key_id = wanted.get("source"), wanted.get("id")
    if source == "BACKUP_KEY":
        if not settings.BACKUP_KEY:
            raise BackupError(
                f"This backup was sealed with a BACKUP_KEY (key id {key_id}), and BACKUP_KEY is not set. "
                "Set BACKUP_KEY (or BACKUP_KEY_FILE) to that key."
            )
        key = _decode_key(settings.BACKUP_KEY, "BACKUP_KEY")
        if backup_key_id(key) != key_id:
            raise BackupError(
                f"This backup was sealed with another backup key (key id {key_id}); BACKUP_KEY here is key id "
                f"{backup_key_id(key)}. Set BACKUP_KEY to the key this backup was made with."
            )
        return BackupKey(key=key, source=source, id=key_id)
    if source == "ENCRYPTION_KEYS":
        from waypoint.core import crypto

        for master in crypto.master_keys():
            if master.id == key_id:
                return BackupKey(key=_derive_from_master(master.key), source=source, id=key_id)
        raise BackupError(
            f"This backup was sealed with a key derived from ENCRYPTION_KEYS master key {key_id}, which "
            "ENCRYPTION_KEYS here does not hold. Add that key to ENCRYPTION_KEYS (after the current one)."
        )
    raise BackupError("This backup names no key this version knows.")


def _archive_key(key: BackupKey, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"waypoint-backup-archive-v1").derive(key.key)


# --- The archive ------------------------------------------------------------------------------------


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", index, 1 if last else 0)


def _associated_data(header_bytes: bytes) -> bytes:
    return hashlib.sha256(MAGIC + header_bytes).digest()


def write_archive(out: BinaryIO, source: IO[bytes], *, manifest: dict[str, Any], key: BackupKey) -> int:
    """Seals everything `source` yields into `out`, chunk by chunk; returns plaintext bytes."""
    salt, prefix = os.urandom(32), os.urandom(_NONCE_PREFIX)
    header = {
        "format": FORMAT,
        "cipher": "AES-256-GCM",
        "kdf": "HKDF-SHA256",
        "chunk_size": CHUNK,
        "salt": base64.b64encode(salt).decode("ascii"),
        "nonce_prefix": base64.b64encode(prefix).decode("ascii"),
        "key": {"source": key.source, "id": key.id},
        "manifest": manifest,
    }
    header_bytes = json.dumps(header, sort_keys=True).encode("utf-8")
    aad = _associated_data(header_bytes)
    sealer = AESGCM(_archive_key(key, salt))
    out.write(MAGIC + _LENGTH.pack(len(header_bytes)) + header_bytes)
    total, index = 0, 0
    pending = _read_full(source, CHUNK)
    while True:
        following = _read_full(source, CHUNK) if len(pending) == CHUNK else b""
        last = not following
        sealed = sealer.encrypt(_nonce(prefix, index, last), pending, aad)
        out.write(_LENGTH.pack(len(sealed)) + sealed)
        total += len(pending)
        index += 1
        if last:
            return total
        pending = following


def _read_full(stream: IO[bytes], size: int) -> bytes:
    """Reads `size` bytes unless the stream ends first (pipes return short reads)."""
    parts, left = [], size
    while left:
        part = stream.read(left)
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def read_header(stream: BinaryIO) -> tuple[dict[str, Any], bytes]:
    """The archive's header (readable without the key) and its exact bytes."""
    start = stream.read(len(MAGIC) + _LENGTH.size)
    if len(start) < len(MAGIC) + _LENGTH.size or not start.startswith(MAGIC):
        raise BackupError("This is not a Waypoint backup (its first bytes are wrong).")
    (length,) = _LENGTH.unpack(start[len(MAGIC) :])
    if length > 1 << 20:
        raise BackupError("This backup's header is damaged.")
    header_bytes = stream.read(length)
    try:
        header = json.loads(header_bytes)
    except ValueError:
        raise BackupError("This backup's header is damaged.") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError(
            f"This backup's format ({header.get('format') if isinstance(header, dict) else '?'}) is not one this version reads."
        )
    return header, header_bytes


def open_archive(stream: BinaryIO, out: BinaryIO) -> dict[str, Any]:
    """Checks and opens a whole archive into `out`; raises BackupError on a wrong key or any
    changed, missing or extra byte. Returns the header."""
    header, header_bytes = read_header(stream)
    key = opening_key(header)
    try:
        salt = base64.b64decode(header["salt"])
        prefix = base64.b64decode(header["nonce_prefix"])
        chunk_size = int(header["chunk_size"])
    except (KeyError, ValueError, TypeError):
        raise BackupError("This backup's header is damaged.") from None
    opener = AESGCM(_archive_key(key, salt))
    aad = _associated_data(header_bytes)
    index = 0
    while True:
        length_bytes = stream.read(_LENGTH.size)
        if len(length_bytes) < _LENGTH.size:
            raise BackupError("This backup is cut short: its last part is missing.")
        (length,) = _LENGTH.unpack(length_bytes)
        if not _TAG <= length <= chunk_size + _TAG:
            raise BackupError(f"This backup was changed or damaged (part {index + 1}).")
        sealed = _read_full(stream, length)
        if len(sealed) < length:
            raise BackupError("This backup is cut short: its last part is missing.")
        for last in (False, True):
            try:
                plain = opener.decrypt(_nonce(prefix, index, last), sealed, aad)
                break
            except InvalidTag:
                continue
        else:
            if index == 0:
                raise BackupError(
                    f"This backup does not open with {key.describe()}: the key is wrong, or the backup "
                    "was changed or damaged."
                )
            raise BackupError(f"This backup was changed or damaged (part {index + 1} does not open).")
        out.write(plain)
        index += 1
        if last:
            if stream.read(1):
                raise BackupError("This backup was changed: there are bytes after its end.")
            return header


# --- Manifest --------------------------------------------------------------------------------------


def _waypoint_version() -> str:
    import tomllib

    with (
        contextlib.suppress(OSError, KeyError, ValueError),
        open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as handle,
    ):
        return str(tomllib.load(handle)["project"]["version"])
    return "unknown"


def manifest_from(cursor: Any, *, vendor: str, dump_format: str) -> dict[str, Any]:
    """What a restore needs to know, read with `cursor` (inside the dump's own snapshot)."""
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    migrations: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        migrations.setdefault(app, []).append(name)
    try:
        cursor.execute("SELECT master_id, COUNT(*) FROM core_datakey GROUP BY master_id ORDER BY master_id")
        key_rows = cursor.fetchall()
    except Exception:  # before core's first migration
        key_rows = []
    return {
        "waypoint_backup": FORMAT,
        "created_at": dt.datetime.now(tz=dt.UTC).isoformat(timespec="seconds"),
        "waypoint_version": _waypoint_version(),
        "database": {"vendor": vendor, "format": dump_format},
        "migrations": migrations,
        "master_key_ids": [row[0] for row in key_rows],
        "data_keys": sum(int(row[1]) for row in key_rows),
    }


# --- Databases ------------------------------------------------------------------------------------


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq's environment for the database (the password never on a command line)."""
    env = dict(os.environ)
    for variable, value in (
        ("PGHOST", settings_dict.get("HOST")),
        ("PGPORT", settings_dict.get("PORT")),
        ("PGUSER", settings_dict.get("USER")),
        ("PGPASSWORD", settings_dict.get("PASSWORD")),
        ("PGDATABASE", settings_dict.get("NAME")),
        ("PGSSLMODE", (settings_dict.get("OPTIONS") or {}).get("sslmode")),
    ):
        if value:
            env[variable] = str(value)
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return found


@contextlib.contextmanager
def dump_stream(alias: str, scratch: Path) -> Iterator[tuple[IO[bytes], dict[str, Any]]]:
    """The database's dump as a stream, with its manifest (read from the same snapshot)."""
    connection = connections[alias]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        copy = scratch / "database.sqlite3"
        target = sqlite3.connect(copy)
        try:
            # The online backup API: a consistent copy while others read and write (WAL).
            connection.connection.backup(target)
            manifest = manifest_from(target.cursor(), vendor="sqlite", dump_format="sqlite3")
        finally:
            target.close()
        with copy.open("rb") as stream:
            yield stream, manifest
        return
    if connection.vendor != "postgresql":
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
    with connection.cursor() as cursor:
        # One snapshot for the manifest and pg_dump: its migrations and key ids are exactly
        # those of the data it dumps.
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
            manifest = manifest_from(cursor, vendor="postgresql", dump_format="pg_dump-custom")
            command = [
                _tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                f"--snapshot={snapshot}", f"--exclude-table-data={QUEUE_TABLES}",
            ]  # fmt: skip
            errors = (scratch / "pg_dump.err").open("w+b")
            process = subprocess.Popen(  # noqa: S603 - our own command, no shell
                command, stdout=subprocess.PIPE, stderr=errors, env=_pg_env(connection.settings_dict)
            )
            if process.stdout is None:  # pragma: no cover - stdout=PIPE always gives one
                raise BackupError("pg_dump gave no output stream.")
            try:
                yield process.stdout, manifest
            finally:
                process.stdout.close()
                code = process.wait()
                errors.seek(0)
                message = errors.read().decode("utf-8", "replace").strip()
                errors.close()
            if code != 0:
                raise BackupError(f"pg_dump failed ({code}): {message[-2000:]}")
        finally:
            cursor.execute("ROLLBACK")


def restore_database(alias: str, dump: Path, manifest: dict[str, Any]) -> None:
    """Replaces the database with the opened dump, all at once or not at all."""
    connection = connections[alias]
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"This is a backup of a {vendor} database; this deployment uses {connection.vendor}.")
    if connection.in_atomic_block:
        raise BackupError("A restore cannot run inside a transaction.")
    if vendor == "sqlite":
        source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
        try:
            (verdict,) = source.execute("PRAGMA integrity_check").fetchone()
            if verdict != "ok":
                raise BackupError(f"The database inside this backup is damaged: {verdict}")
            connection.ensure_connection()
            # Replaces every page of the live database in one step (writers wait meanwhile).
            source.backup(connection.connection)
        finally:
            source.close()
        return
    # PostgreSQL: the dump as SQL, after emptying the schema, in ONE transaction: an error
    # anywhere rolls everything back, the wipe included.
    connection.close()
    env = _pg_env(connection.settings_dict)
    with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as psql_errors:
        script = subprocess.Popen(  # noqa: S603
            [_tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(dump)],
            stdout=subprocess.PIPE,
            stderr=restore_errors,
            env=env,
        )
        wipe = subprocess.Popen(  # noqa: S603
            [_tool("psql"), "--quiet", "--no-psqlrc", "--single-transaction", "-v", "ON_ERROR_STOP=1", "--file=-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_errors,
            env=env,
        )
        if script.stdout is None or wipe.stdin is None:  # pragma: no cover - PIPE always gives them
            raise BackupError("pg_restore or psql gave no stream.")
        try:
            wipe.stdin.write(b"DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n")
            shutil.copyfileobj(script.stdout, wipe.stdin, CHUNK)
        except BrokenPipeError:
            pass  # psql stopped on an error: reported below
        finally:
            with contextlib.suppress(BrokenPipeError):
                wipe.stdin.close()
            script.stdout.close()
        wipe.wait()
        script.wait()
        if script.returncode != 0:
            restore_errors.seek(0)
            raise BackupError(
                f"pg_restore could not read the dump: {restore_errors.read().decode('utf-8', 'replace')[-2000:]}"
            )
        if wipe.returncode != 0:
            psql_errors.seek(0)
            raise BackupError(
                "PostgreSQL refused the restore; nothing was changed: "
                + psql_errors.read().decode("utf-8", "replace")[-2000:]
            )


def private_scratch() -> tempfile.TemporaryDirectory[str]:
    """A folder only this user can read, for the dump on its way in or out."""
    return tempfile.TemporaryDirectory(prefix="waypoint-backup-")
