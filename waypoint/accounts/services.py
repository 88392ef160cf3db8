"""Writes for accounts: sign-up, recovery codes, two-factor, signing out, export, deletion.

Other apps call ``account_export`` and ``account_delete`` in their tests: keep their names
and signatures.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

import pyotp
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waypoint.accounts import limits
from waypoint.accounts.models import RecoveryCode, TotpDevice, User, username_fold
from waypoint.core import userdata
from waypoint.core.events import SessionClosed, send_event_on_commit

RECOVERY_CODE_COUNT = 10
# Crockford's base32 alphabet: no I, L, O or U, so codes are easy to read and type.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_LENGTH = 12  # 60 bits
TOTP_ISSUER = "Waypoint"
_LOOK_ALIKES = str.maketrans("OIL", "011")
# What a (folded) username may be: a pseudonym, 3-30 characters.
USERNAME_RE = re.compile(r"^[a-z0-9._-]{3,30}$")


# --- Sign-up and passwords ---------------------------------------------------------


def user_signup(*, username: str, password: str, email: str = "") -> tuple[User, list[str]]:
    """Creates an account and its first recovery codes; returns the codes in clear text,
    the only time they exist outside the person's own notes. The name is folded to lower
    case here, whatever the caller did, so "Alice" and "alice" are one account."""
    username = username_fold(username)
    if not USERNAME_RE.match(username):
        raise ValidationError(
            {"username": _("Use 3 to 30 characters: letters a-z, numbers, dot, dash or underscore. No spaces or @.")}
        )
    with transaction.atomic():
        user = User(username=username, email=email)
        user.set_password(password)
        user.full_clean()
        user.save()
        codes = recovery_codes_generate(user=user)
    return user, codes


def password_set(*, user: User, new_password: str) -> None:
    """Sets a new password. The session hash changes with it, so other devices are signed out."""
    validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        # Open sockets close; this device's reconnect with its refreshed session.
        send_event_on_commit(event=SessionClosed(reason="password_changed"), to=[user.pk])


def password_reset_with_code(*, username: str, code: str, new_password: str) -> User | None:
    """Resets a password with a recovery code (no e-mail needed). Returns the user, or
    None when the username and code do not match; the code is used up either way only if
    it matched. Signs the account out everywhere."""
    with transaction.atomic():
        user = User.objects.filter(username=username_fold(username), is_active=True).first()
        if user is None:
            _hash_code(salt="0" * 32, code=code)  # same work as a real check
            return None
        if not recovery_code_use(user=user, code=code):
            return None
        validate_password(new_password, user)
        user.set_password(new_password)
        user.session_generation = F("session_generation") + 1
        user.save(update_fields=["password", "session_generation"])
        user.refresh_from_db()
        _sessions_delete_for(user_id=user.pk)
        send_event_on_commit(event=SessionClosed(reason="password_changed"), to=[user.pk])
    return user


# --- Recovery codes ----------------------------------------------------------------


def normalise_code(code: str) -> str:
    """Upper case, without spaces or dashes, with look-alike letters read as digits."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return cleaned.translate(_LOOK_ALIKES)


def _hash_code(*, salt: str, code: str) -> str:
    return hmac.new(salt.encode(), normalise_code(code).encode(), hashlib.sha256).hexdigest()


def recovery_codes_generate(*, user: User) -> list[str]:
    """Replaces all of a person's recovery codes with new ones; returns them in clear text."""
    codes = ["".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH)) for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        rows = []
        for code in codes:
            salt = secrets.token_hex(16)
            rows.append(RecoveryCode(user=user, salt=salt, digest=_hash_code(salt=salt, code=code)))
        RecoveryCode.objects.bulk_create(rows)
    return [f"{c[0:4]}-{c[4:8]}-{c[8:12]}" for c in codes]


def recovery_code_use(*, user: User, code: str) -> bool:
    """Uses up a recovery code if it is one of the person's unused codes.

    The conditional UPDATE makes the code single-use even when two requests race."""
    if len(normalise_code(code)) != _CODE_LENGTH:
        return False
    for row in RecoveryCode.objects.filter(user=user, used_at__isnull=True):
        if hmac.compare_digest(row.digest, _hash_code(salt=row.salt, code=code)):
            updated = RecoveryCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=timezone.now())
            return updated == 1
    return False


# --- Two-factor (TOTP) -------------------------------------------------------------


def totp_setup_start(*, user: User) -> TotpDevice:
    """Returns the person's unconfirmed authenticator, creating one with a new secret."""
    device = TotpDevice.objects.filter(user=user).first()
    if device is not None and device.confirmed:
        raise ValueError("Two-factor is already on for this account.")
    if device is None:
        device = TotpDevice(user=user, secret=pyotp.random_base32())
        device.full_clean()
        device.save()
    return device


def totp_device_create_confirmed(*, user: User, secret: str) -> TotpDevice:
    """Stores an authenticator that is already confirmed (tests and data loading only:
    people turn two-step sign-in on through ``totp_setup_start`` and ``totp_confirm``)."""
    device = TotpDevice(user=user, secret=secret, confirmed=True)
    device.full_clean()
    device.save()
    return device


def totp_provisioning_uri(*, device: TotpDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.get_username(), issuer_name=TOTP_ISSUER)


def _totp_check(*, device: TotpDevice, code: str) -> bool:
    """True when `code` is right for the current step or the one either side, and newer
    than the last code accepted. Recording the step is a conditional UPDATE, so two
    requests with the same code cannot both succeed."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return False
    totp = pyotp.TOTP(device.secret)
    now_step = int(timezone.now().timestamp()) // totp.interval
    for step in (now_step - 1, now_step, now_step + 1):
        if hmac.compare_digest(totp.at(step * totp.interval), code):
            newer = Q(last_used_step__isnull=True) | Q(last_used_step__lt=step)
            return TotpDevice.objects.filter(newer, pk=device.pk).update(last_used_step=step) == 1
    return False


def totp_confirm(*, user: User, code: str) -> bool:
    """Turns two-factor on once the person shows a right code from their app."""
    device = TotpDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or not _totp_check(device=device, code=code):
        return False
    TotpDevice.objects.filter(pk=device.pk).update(confirmed=True)
    return True


def totp_verify(*, user: User, code: str) -> bool:
    device = TotpDevice.objects.filter(user=user, confirmed=True).first()
    return device is not None and _totp_check(device=device, code=code)


def second_factor_verify(*, user: User, code: str) -> bool:
    """A code from the authenticator app, or else one of the recovery codes."""
    return totp_verify(user=user, code=code) or recovery_code_use(user=user, code=code)


def totp_disable(*, user: User) -> None:
    TotpDevice.objects.filter(user=user).delete()


# --- Sessions ----------------------------------------------------------------------


def _sessions_delete_for(*, user_id: int) -> int:
    """Deletes the database sessions of one user.

    Sessions are not indexed by user, so this decodes every unexpired session: fine for
    the sizes Waypoint runs at. The session_generation bump is what really signs
    devices out; this only tidies the table."""
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return 0
    doomed = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=500):
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            doomed.append(session.session_key)
    return Session.objects.filter(session_key__in=doomed).delete()[0]


def sessions_end_all(*, user: User) -> None:
    """Signs the account out on every device: the session hash includes the generation."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
        user.refresh_from_db(fields=["session_generation"])
        _sessions_delete_for(user_id=user.pk)
        send_event_on_commit(event=SessionClosed(reason="signed_out"), to=[user.pk])


# --- My data -----------------------------------------------------------------------


def account_data_export(*, user: Any) -> dict[str, Any]:
    """The accounts app's own part of the export: what a person would want to see.
    Never the password hash, recovery code hashes or the authenticator secret."""
    codes = RecoveryCode.objects.filter(user=user)
    created = codes.order_by("created_at").values_list("created_at", flat=True).first()
    return {
        "username": user.username,
        "email": user.email,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "two_factor_enabled": TotpDevice.objects.filter(user=user, confirmed=True).exists(),
        "recovery_codes": {
            "unused": codes.filter(used_at__isnull=True).count(),
            "created": created.isoformat() if created else None,
            "used_on": [
                used.isoformat()
                for used in codes.filter(used_at__isnull=False).order_by("used_at").values_list("used_at", flat=True)
                if used is not None
            ],
        },
    }


def account_data_delete(*, user: Any) -> int:
    limits.account_counters_forget(username=user.get_username())
    deleted = RecoveryCode.objects.filter(user=user).delete()[0]
    return deleted + TotpDevice.objects.filter(user=user).delete()[0]


def account_export(*, user: User) -> dict[str, Any]:
    """Everything stored about a person, from every registered provider."""
    return {
        "format": "waypoint-my-data",
        "version": 1,
        "exported_at": timezone.now().isoformat(),
        "data": {provider.key: provider.export(user) for provider in userdata.providers()},
    }


def account_delete(*, user: User) -> None:
    """Deletes an account for good: every provider's data, the user row, their sessions
    and the sign-in records kept by django-axes. One transaction: if any part fails,
    nothing is deleted."""
    username = user.get_username()
    user_id = user.pk
    with transaction.atomic():
        for provider in userdata.removal_order():
            provider.remove(user)
        _sessions_delete_for(user_id=user_id)
        for model in (AccessAttempt, AccessLog, AccessFailureLog):
            model.objects.filter(username__iexact=username).delete()
        User.objects.filter(pk=user_id).delete()
        send_event_on_commit(event=SessionClosed(reason="account_deleted"), to=[user_id])


# --- Sign-in records ---------------------------------------------------------------


def signin_records_purge() -> int:
    """Deletes the sign-in records no limit needs any more (run every few minutes by
    ``tasks.signin_records_purge``); returns how many rows went.

    - axes' failed attempts (name, address, time) once the lockout they could cause is
      over (``AXES_COOLOFF_TIME``);
    - axes' logs of sign-ins and of failures, which Waypoint does not write
      (``AXES_DISABLE_ACCESS_LOG``, ``AXES_ENABLE_ACCESS_FAILURE_LOG``): any row there is
      left from before, so all of them go;
    - the sign-in and sign-up counters (``limits``) past their expiry.
    """
    cutoff = timezone.now() - settings.AXES_COOLOFF_TIME
    with transaction.atomic():
        deleted = AccessAttempt.objects.filter(attempt_time__lte=cutoff).delete()[0]
        deleted += AccessLog.objects.all().delete()[0]
        deleted += AccessFailureLog.objects.all().delete()[0]
        deleted += limits.counters_purge()
    return deleted
