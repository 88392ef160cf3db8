"""The server's VAPID key pair (RFC 8292): it signs every Web Push request, and browsers
subscribe with its public half, so a push service accepts messages to them only from us.

Set ``VAPID_PRIVATE_KEY`` (or ``VAPID_PRIVATE_KEY_FILE``) in production: a PEM, or the raw
32-byte key in URL-safe base64 (what ``manage.py vapid_keys --print`` makes). Without it, a
key pair is generated once into ``var/vapid_private_key.pem`` (owner-only, like the
generated secret key) — by ``manage.py vapid_keys``, by ``make run``'s first setup, or on
first use. Keep it: browsers subscribed with the old public key stop getting messages when
it changes. ``VAPID_PUBLIC_KEY``, when given, must match the private key (check
``reminders.E001``).
"""

from __future__ import annotations

import base64
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from py_vapid import Vapid

KEY_FILE_NAME = "vapid_private_key.pem"
_lock = threading.Lock()
_cached: dict[str, VapidKeys] = {}


@dataclass(frozen=True)
class VapidKeys:
    vapid: Vapid
    # The browser's applicationServerKey: the uncompressed P-256 point, URL-safe base64.
    public_key: str
    generated: bool


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _public_of(vapid: Vapid) -> str:
    raw = vapid.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return b64url(raw)


def key_file() -> Path:
    return Path(settings.VAR_DIR) / KEY_FILE_NAME


def new_private_pem() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def new_private_raw() -> str:
    """A new private key as raw URL-safe base64 (for VAPID_PRIVATE_KEY)."""
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def ensure_key_file() -> tuple[Path, bool]:
    """Makes var/vapid_private_key.pem if it is missing (owner-only from the start, never
    overwritten). Returns (path, whether it was made now)."""
    path = key_file()
    if path.exists():
        return path, False
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path, False  # another process made it first: use theirs
    with os.fdopen(fd, "wb") as handle:
        handle.write(new_private_pem())
    return path, True


def _load(text: str) -> Vapid:
    try:
        if "BEGIN" in text:
            key = serialization.load_pem_private_key(text.strip().encode("ascii"), password=None)
            if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
                raise ValueError("not a P-256 key")
            return Vapid(key)
        return Vapid.from_string(private_key=text.strip())
    except Exception as exc:  # py_vapid raises several kinds for a malformed key
        raise ImproperlyConfigured(
            "VAPID_PRIVATE_KEY is not a P-256 private key (PEM, or 32 bytes in URL-safe base64). "
            "Make one with: python manage.py vapid_keys --print"
        ) from exc


def vapid_keys() -> VapidKeys:
    """The configured key pair, or the generated one in var/ (made on first use)."""
    configured = settings.VAPID_PRIVATE_KEY
    cache_key = configured or str(key_file())
    with _lock:
        if cache_key in _cached:
            return _cached[cache_key]
        if configured:
            vapid, generated = _load(configured), False
        else:
            path, _made = ensure_key_file()
            vapid, generated = _load(path.read_text(encoding="ascii")), True
        public = _public_of(vapid)
        if settings.VAPID_PUBLIC_KEY and settings.VAPID_PUBLIC_KEY.strip().rstrip("=") != public:
            raise ImproperlyConfigured("VAPID_PUBLIC_KEY does not match VAPID_PRIVATE_KEY.")
        keys = VapidKeys(vapid=vapid, public_key=public, generated=generated)
        _cached[cache_key] = keys
        return keys


def forget() -> None:
    """Drops the loaded keys (tests; after changing the settings)."""
    with _lock:
        _cached.clear()
