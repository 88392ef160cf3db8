"""Envelope encryption of personal free text at rest (journal, notes, reflections, secrets).

The scheme, in three layers:

- **Master keys** come from the deployment (``ENCRYPTION_KEYS``: newest first, each 32
  random bytes in URL-safe base64; ``make run`` generates one under ``var/``). They never
  touch the database. Each has a short id (a hash of the key) so that a wrapped key says
  which master wrapped it.
- **Data keys**: each person (or each anonymous record that needs one) gets a random
  256-bit data key, stored only *wrapped* — encrypted with the newest master key — in
  ``core.DataKey``. ``manage.py rotate_encryption_keys`` re-wraps them with a new master
  key without touching the data.
- **Fields** are encrypted with the owner's data key using AES-256-GCM (authenticated),
  with the row's identity as associated data: a ciphertext copied into another row, column
  or table does not decrypt. Tokens look like ``wp1:<base64(nonce | ciphertext | tag)>``.

A wrong or missing key never yields garbage: GCM's tag check fails and
:class:`DecryptionError` is raised; the system checks in ``waypoint.core.checks`` refuse to
start when stored data keys were wrapped by a master key that is not configured.
Deleting a person's data key makes every copy of their ciphertext unreadable, backups
included (crypto-shredding).
"""

from __future__ import annotations

import base64
import hashlib
import os
import threading
import time
from dataclasses import dataclass
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TOKEN_PREFIX = "wp1:"  # noqa: S105 - a format marker, not a secret
_NONCE_BYTES = 12
_KEY_BYTES = 32


class DecryptionError(Exception):
    """A ciphertext did not authenticate: wrong key, wrong row, or tampered data."""


@dataclass(frozen=True)
class MasterKey:
    id: str
    key: bytes


def _b64decode(text: str) -> bytes:
    padded = text.strip() + "=" * (-len(text.strip()) % 4)
    return base64.urlsafe_b64decode(padded.encode("ascii"))


def master_key_id(key: bytes) -> str:
    return hashlib.sha256(b"waypoint-master-key:" + key).hexdigest()[:16]


def parse_master_keys(values: list[str]) -> tuple[MasterKey, ...]:
    """Master keys from their settings form; a malformed one is a configuration error."""
    keys = []
    for position, value in enumerate(values, start=1):
        try:
            raw = _b64decode(value)
        except (ValueError, UnicodeEncodeError):
            raw = b""
        if len(raw) != _KEY_BYTES:
            raise ImproperlyConfigured(
                f"ENCRYPTION_KEYS: key {position} is not 32 bytes in URL-safe base64 "
                "(make one with: python -c 'import base64,os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())')."
            )
        keys.append(MasterKey(id=master_key_id(raw), key=raw))
    return tuple(keys)


@cache
def _configured(values: tuple[str, ...]) -> tuple[MasterKey, ...]:
    return parse_master_keys(list(values))


def master_keys() -> tuple[MasterKey, ...]:
    """The configured master keys, newest first."""
    keys = _configured(tuple(settings.ENCRYPTION_KEYS))
    if not keys:
        raise ImproperlyConfigured("ENCRYPTION_KEYS is empty: personal data cannot be encrypted.")
    return keys


def current_master_key() -> MasterKey:
    return master_keys()[0]


def generate_key_text() -> str:
    """A new random key in the form ENCRYPTION_KEYS takes."""
    return base64.urlsafe_b64encode(os.urandom(_KEY_BYTES)).decode("ascii")


# --- Tokens ---------------------------------------------------------------------------


def encrypt(*, key: bytes, plaintext: str, aad: str) -> str:
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), aad.encode("utf-8"))
    return TOKEN_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def decrypt(*, key: bytes, token: str, aad: str) -> str:
    if not token.startswith(TOKEN_PREFIX):
        raise DecryptionError("Not an encrypted value.")
    try:
        blob = _b64decode(token[len(TOKEN_PREFIX) :])
        opened = AESGCM(key).decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], aad.encode("utf-8"))
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("The value does not decrypt with this key and row.") from exc
    return opened.decode("utf-8")


def is_token(value: object) -> bool:
    return isinstance(value, str) and value.startswith(TOKEN_PREFIX)


# --- Wrapping data keys -----------------------------------------------------------------


def _wrap_aad(key_uid: str) -> str:
    return f"waypoint-data-key:{key_uid}"


def wrap(*, data_key: bytes, key_uid: str, master: MasterKey | None = None) -> tuple[str, str]:
    """Encrypts a data key with a master key (the newest by default): (master id, wrapped)."""
    master = master or current_master_key()
    token = encrypt(key=master.key, plaintext=base64.b64encode(data_key).decode("ascii"), aad=_wrap_aad(key_uid))
    return master.id, token


def unwrap(*, master_id: str, wrapped: str, key_uid: str) -> bytes:
    master = next((k for k in master_keys() if k.id == master_id), None)
    if master is None:
        raise DecryptionError(f"This data key was wrapped by master key {master_id}, which is not in ENCRYPTION_KEYS.")
    return base64.b64decode(decrypt(key=master.key, token=wrapped, aad=_wrap_aad(key_uid)))


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


# --- Data keys of people and records ------------------------------------------------------

# Unwrapped data keys, briefly, so that reading a person's 5,000 journal entries costs one
# look-up rather than 5,000. Keyed by the DataKey row and its wrapped form; a deleted key
# is simply never asked for again (its rows are gone with it).
_CACHE_SECONDS = 60.0
_cache: dict[tuple[int, str], tuple[float, bytes]] = {}
_cache_lock = threading.Lock()


def forget_cached_keys() -> None:
    """Drops every key this process holds, unwrapped or looked up (tests; key rotation)."""
    from waypoint.core.encryption import forget_cached_rows

    with _cache_lock:
        _cache.clear()
    forget_cached_rows()


def data_key_bytes(data_key: object) -> bytes:
    """The plaintext key of a ``core.DataKey`` row."""
    pk, wrapped = data_key.pk, data_key.wrapped  # type: ignore[attr-defined]
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get((pk, wrapped))
        if hit and now - hit[0] < _CACHE_SECONDS:
            return hit[1]
    key = unwrap(master_id=data_key.master_id, wrapped=wrapped, key_uid=str(data_key.uid))  # type: ignore[attr-defined]
    with _cache_lock:
        if len(_cache) > 4096:
            _cache.clear()
        _cache[(pk, wrapped)] = (now, key)
    return key
