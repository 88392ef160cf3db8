"""Opening one person's journal entries in bulk.

Reading an encrypted attribute decrypts it with its owner's data key, which the field looks
up once per value: three look-ups per entry. A list page or a search over thousands of
entries instead looks the person's data key up once and decrypts every value with it here,
with exactly the same check (AES-256-GCM with the row's identity as associated data, in the
form docs/architecture.md gives: ``"<table>.<column>:<row_key>"``), so a value moved to
another row, or a wrong key, still fails loudly with ``DecryptionError``.
(tests/test_reading.py holds this path to the field's own decryption.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Field

from waypoint.core import crypto
from waypoint.core.encryption import Ciphertext, data_key_for_user
from waypoint.journal.models import JournalEntry

ENCRYPTED_FIELDS = ("title", "text", "tags")


def _aad(field_name: str, entry: JournalEntry) -> str:
    field = JournalEntry._meta.get_field(field_name)
    assert isinstance(field, Field)  # noqa: S101 - a model field by name (for the type checker)
    column = field.column
    return f"{JournalEntry._meta.db_table}.{column}:{entry.row_key}"


def open_entries(entries: Iterable[JournalEntry], *, user: Any) -> list[JournalEntry]:
    """Decrypts the loaded encrypted fields of `user`'s entries in place (one data-key
    look-up for all of them) and returns them as a list. Entries of anyone else are
    refused: this is never a way to read another person's journal."""
    rows = list(entries)
    key: bytes | None = None
    for entry in rows:
        if entry.user_id != user.pk:
            raise ValueError("open_entries reads one person's own entries only.")
        for name in ENCRYPTED_FIELDS:
            value = entry.__dict__.get(name)
            if not isinstance(value, Ciphertext):
                continue  # empty, already decrypted, or not loaded
            if key is None:
                data_key = data_key_for_user(user.pk, create=False)
                if data_key is None:
                    raise crypto.DecryptionError("This person has encrypted entries but no data key.")
                key = crypto.data_key_bytes(data_key)
            entry.__dict__[name] = crypto.decrypt(key=key, token=value, aad=_aad(name, entry))
    return rows
