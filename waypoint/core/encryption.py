"""Encrypted model fields and the data-key look-ups behind them.

Use it like this::

    class JournalEntry(models.Model):
        user = models.ForeignKey(User, on_delete=models.CASCADE)
        row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
        text = EncryptedTextField(key_owner="user")

``entry.text`` reads and writes plain text; the column holds only a ``wp1:`` token,
encrypted with the owner's data key and bound to (table, column, ``row_key``). The value
is decrypted when first read, never when the row is loaded, so listing rows costs nothing.
Such fields cannot be filtered or ordered on in the database: search decrypts one person's
rows in Python (their rows only).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.db import IntegrityError, models, transaction

from waypoint.core import crypto
from waypoint.core.rows import Rows


class Ciphertext(str):
    """A value as it came from the database: a token still to be decrypted."""


# People's DataKey rows, briefly: a page that shows 10 encrypted fields (or a search over
# 5,000 journal entries) looks the key up once, not per field. A row never changes its
# key (re-wrapping changes only its wrapping) and a person's id is never reused, so a
# cached row can only be stale for a deleted account, whose rows are gone with it.
_ROW_SECONDS = 60.0
_rows: dict[int, tuple[float, Any]] = {}
_rows_lock = threading.Lock()
# Looked up on every write of encrypted text (a check-in's note): written once (core/rows.py).
_KEY_OF_PERSON = Rows("core.DataKey", '"user_id" = %s', params=["user"], limit=1)


def forget_cached_rows() -> None:
    with _rows_lock:
        _rows.clear()


def data_key_for_user(user_id: int, *, create: bool = True) -> Any:
    """The person's DataKey row, made on first use (two requests racing both get the same)."""
    now = time.monotonic()
    with _rows_lock:
        hit = _rows.get(user_id)
    if hit is not None and now - hit[0] < _ROW_SECONDS:
        return hit[1]
    found = _KEY_OF_PERSON.first(user_id)
    if found is None:
        if not create:
            return None
        found = data_key_create(user_id=user_id)
    with _rows_lock:
        if len(_rows) > 10000:
            _rows.clear()
        _rows[user_id] = (now, found)
    return found


def data_key_create(*, user_id: int | None = None) -> Any:
    """A new data key, wrapped by the newest master key (for a person, or for one record)."""
    from waypoint.core.models import DataKey

    row = DataKey(user_id=user_id)
    row.master_id, row.wrapped = crypto.wrap(data_key=crypto.new_data_key(), key_uid=str(row.uid))
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        # Another request made this person's key first: use theirs.
        return DataKey.objects.get(user_id=int(user_id or 0))
    return row


def _row_aad(instance: models.Model, field: EncryptedTextField) -> str:
    bind = getattr(instance, field.bind)
    if not bind:
        raise crypto.DecryptionError(f"{instance._meta.label}.{field.bind} is empty: cannot bind the ciphertext.")
    return f"{instance._meta.db_table}.{field.column}:{bind}"


def _key_for(instance: models.Model, field: EncryptedTextField) -> bytes:
    owner_field = instance._meta.get_field(field.key_owner)
    owner_id = getattr(instance, owner_field.attname)  # type: ignore[union-attr]
    if owner_id is None:
        raise crypto.DecryptionError(f"{instance._meta.label}.{field.key_owner} is empty: no key to use.")
    from waypoint.core.models import DataKey

    if owner_field.related_model is DataKey:
        return crypto.data_key_bytes(getattr(instance, field.key_owner))
    return crypto.data_key_bytes(data_key_for_user(owner_id))


class _EncryptedAttribute:
    """Holds a token or plain text per instance; decrypts on first read."""

    def __init__(self, field: EncryptedTextField) -> None:
        self.field = field

    def __get__(self, instance: models.Model | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__.get(self.field.attname)
        if isinstance(value, Ciphertext):
            value = crypto.decrypt(key=_key_for(instance, self.field), token=value, aad=_row_aad(instance, self.field))
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: models.Model, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):
    """Free text encrypted at rest with its owner's data key, bound to its row."""

    def __init__(self, *args: Any, key_owner: str = "user", bind: str = "row_key", **kwargs: Any) -> None:
        self.key_owner = key_owner
        self.bind = bind
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["key_owner"] = self.key_owner
        kwargs["bind"] = self.bind
        return name, path, args, kwargs

    def contribute_to_class(self, cls: Any, name: str, *args: Any, **kwargs: Any) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)
        setattr(cls, self.attname, _EncryptedAttribute(self))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else Ciphertext(value)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)  # plain text (decrypted if it was loaded)
        if value is None:
            return None
        token = crypto.encrypt(
            key=_key_for(model_instance, self), plaintext=str(value), aad=_row_aad(model_instance, self)
        )
        return Ciphertext(token)

    def get_prep_value(self, value: Any) -> Any:
        # Only tokens reach the database: a plain string here means a code path that
        # skipped pre_save (e.g. queryset.update(text="...")) and would store plain text.
        if value is None or value == "" or crypto.is_token(value):
            return value
        raise ValueError("EncryptedTextField values are written through model.save(); update() takes only tokens.")

    def to_python(self, value: Any) -> Any:
        return value
