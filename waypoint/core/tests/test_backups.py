"""`manage.py backup` / `manage.py restore` (waypoint/core/backups.py): data in, backup,
wipe, restore, same data — encrypted fields still open; and a wrong key or a changed byte
stops a restore with nothing changed. Runs on whichever database the suite runs on
(SQLite in memory, or PostgreSQL with DATABASE_URL: pg_dump and pg_restore for real)."""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from waypoint.core import backups, crypto
from waypoint.core.tests.personas import UserFactory, totp_on

# pg_dump and pg_restore see only committed rows.
with_database = pytest.mark.django_db(transaction=True)

JOURNAL_TEXT = "Backup check: the walk by the river helped today."
SECOND_KEY = base64.urlsafe_b64encode(b"k" * 32).decode()


def _key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - our own names
        return str(cursor.fetchone()[0])


@pytest.fixture
def saved() -> dict[str, Any]:
    """A person with an encrypted journal entry and an encrypted TOTP secret."""
    from waypoint.accounts.models import TotpDevice
    from waypoint.journal.services import entry_create

    person = UserFactory(username="backup-walker")
    totp = totp_on(person)
    entry = entry_create(user=person, text=JOURNAL_TEXT, title="Evening", mood=4)
    device = TotpDevice.objects.get(user=person)
    return {
        "user": person.pk,
        "entry": entry.pk,
        "entry_raw": _raw("journal_journalentry", "text", entry.pk),
        "secret": totp.secret,
        "device": device.pk,
    }


def _backup(tmp_path: Path, name: str = "one.wpbackup") -> tuple[Path, str]:
    out = io.StringIO()
    call_command("backup", str(tmp_path / name), stdout=out)
    return tmp_path / name, out.getvalue()


def _wipe() -> None:
    call_command("flush", "--noinput", verbosity=0)
    crypto.forget_cached_keys()


@with_database
def test_a_round_trip_brings_back_the_same_data_and_the_journal_still_opens(saved, tmp_path):
    from waypoint.accounts.models import TotpDevice, User
    from waypoint.journal.models import JournalEntry

    path, said = _backup(tmp_path)
    assert "without them this backup cannot be read" in said
    assert "ENCRYPTION_KEYS master key(s)" in said
    assert crypto.current_master_key().id in said
    _wipe()
    assert not User.objects.filter(pk=saved["user"]).exists()

    out = io.StringIO()
    call_command("restore", str(path), "--noinput", stdout=out)
    assert "Restored the database" in out.getvalue()

    entry = JournalEntry.objects.get(pk=saved["entry"])
    assert entry.text == JOURNAL_TEXT  # decrypts with the person's data key, unwrapped by the master key
    assert entry.user.username == "backup-walker"
    assert _raw("journal_journalentry", "text", saved["entry"]) == saved["entry_raw"]  # the same ciphertext
    assert saved["entry_raw"].startswith("wp1:")
    assert TotpDevice.objects.get(pk=saved["device"]).secret == saved["secret"]


@with_database
def test_the_archive_holds_neither_the_clear_text_nor_a_key(saved, tmp_path):
    path, _said = _backup(tmp_path)
    data = path.read_bytes()
    assert b"backup-walker" not in data  # the whole database is sealed, not only the journal
    assert JOURNAL_TEXT.encode() not in data
    for master in crypto.master_keys():
        assert master.key not in data
        assert base64.urlsafe_b64encode(master.key) not in data
    assert backups.sealing_key().key not in data
    with path.open("rb") as stream:
        header, _ = backups.read_header(stream)
    manifest = header["manifest"]
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["master_key_ids"] == [crypto.current_master_key().id]
    assert "0001_data_keys" in manifest["migrations"]["core"]
    assert manifest["data_keys"] >= 1
    assert oct(path.stat().st_mode & 0o777) == "0o600"


@with_database
def test_a_changed_byte_stops_the_restore_and_changes_nothing(saved, tmp_path):
    from waypoint.accounts.models import User

    path, _said = _backup(tmp_path)
    UserFactory(username="made-after-the-backup")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(CommandError, match=r"changed or damaged.*Nothing was changed"):
        call_command("restore", str(path), "--noinput")
    assert User.objects.filter(username="made-after-the-backup").exists()


@with_database
def test_a_cut_short_or_lengthened_archive_does_not_open(saved, tmp_path):
    path, _said = _backup(tmp_path)
    whole = path.read_bytes()
    for broken, reason in ((whole[:-5], "cut short"), (whole + b"x", "bytes after its end")):
        path.write_bytes(broken)
        with pytest.raises(CommandError, match=reason):
            call_command("restore", str(path), "--verify-only")


@with_database
def test_a_changed_header_does_not_open(saved, tmp_path):
    path, _said = _backup(tmp_path)
    data = path.read_bytes()
    changed = data.replace(b'"data_keys": 1', b'"data_keys": 9', 1)
    assert changed != data
    path.write_bytes(changed)
    with pytest.raises(CommandError, match="key is wrong, or the backup was changed"):
        call_command("restore", str(path), "--verify-only")


@with_database
def test_a_wrong_backup_key_fails_clearly_and_changes_nothing(saved, tmp_path):
    from waypoint.accounts.models import User

    with override_settings(BACKUP_KEY=_key()):
        path, said = _backup(tmp_path)
        assert "BACKUP_KEY (key id" in said
    UserFactory(username="made-after-the-backup")
    with override_settings(BACKUP_KEY=SECOND_KEY), pytest.raises(CommandError, match="sealed with another backup key"):
        call_command("restore", str(path), "--noinput")
    with override_settings(BACKUP_KEY=""), pytest.raises(CommandError, match="BACKUP_KEY is not set"):
        call_command("restore", str(path), "--noinput")
    assert User.objects.filter(username="made-after-the-backup").exists()


@with_database
def test_the_same_id_with_another_key_is_caught_by_the_cipher(saved, tmp_path):
    """A header edited to name the key at hand still does not open (its tag check fails)."""
    with override_settings(BACKUP_KEY=_key()):
        path, _said = _backup(tmp_path)
    other = _key()
    data = path.read_bytes()
    with path.open("rb") as stream:
        header, _ = backups.read_header(stream)
    forged = data.replace(header["key"]["id"].encode(), backups.backup_key_id(base64.urlsafe_b64decode(other)).encode())
    path.write_bytes(forged)
    with override_settings(BACKUP_KEY=other), pytest.raises(CommandError, match="does not open"):
        call_command("restore", str(path), "--verify-only")


@with_database
def test_a_backup_needing_a_master_key_we_lack_is_refused(saved, tmp_path):
    path, _said = _backup(tmp_path)
    with (
        override_settings(ENCRYPTION_KEYS=[_key()], BACKUP_KEY=""),
        pytest.raises(CommandError, match="ENCRYPTION_KEYS master key"),
    ):
        call_command("restore", str(path), "--noinput")
    crypto.forget_cached_keys()


@with_database
def test_a_backup_from_a_newer_version_is_refused(saved, tmp_path, monkeypatch):
    path, _said = _backup(tmp_path)
    real = backups.read_header

    def newer(stream: Any) -> Any:
        header, raw = real(stream)
        header["manifest"]["migrations"]["core"].append("9999_from_the_future")
        return header, raw

    monkeypatch.setattr(backups, "read_header", newer)
    with pytest.raises(CommandError, match="newer version of Waypoint"):
        call_command("restore", str(path), "--noinput")


@with_database
def test_restore_of_a_folder_takes_its_newest_backup_and_keep_prunes(saved, tmp_path):
    for _ in range(3):
        call_command("backup", str(tmp_path), "--keep", "2", stdout=io.StringIO())
    made = sorted(tmp_path.glob("waypoint-*.wpbackup"))
    assert len(made) == 2
    out = io.StringIO()
    call_command("restore", str(tmp_path), "--verify-only", stdout=out)
    newest = max(made, key=lambda p: p.stat().st_mtime)
    assert str(newest) in out.getvalue()


@with_database
def test_inspect_reads_the_manifest_without_any_key(saved, tmp_path):
    with override_settings(BACKUP_KEY=_key()):
        path, _said = _backup(tmp_path)
    out = io.StringIO()
    with override_settings(BACKUP_KEY=""):
        call_command("restore", str(path), "--inspect", stdout=out)
    assert '"master_key_ids"' in out.getvalue()


def test_a_file_that_is_no_backup_is_named_so(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(CommandError, match="not a Waypoint backup"):
        call_command("restore", str(path), "--verify-only")


def test_the_archive_is_written_in_chunks_and_read_back():
    """Empty, small, exactly one chunk and several chunks all round-trip."""
    raw = os.urandom(32)
    key = backups.BackupKey(key=raw, source="BACKUP_KEY", id=backups.backup_key_id(raw))
    with override_settings(BACKUP_KEY=base64.urlsafe_b64encode(raw).decode()):
        for size in (0, 10, backups.CHUNK, 2 * backups.CHUNK + 7):
            payload = os.urandom(size)
            sealed = io.BytesIO()
            assert backups.write_archive(sealed, io.BytesIO(payload), manifest={"m": 1}, key=key) == size
            sealed.seek(0)
            out = io.BytesIO()
            backups.open_archive(sealed, out)
            assert out.getvalue() == payload
