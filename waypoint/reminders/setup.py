"""`make run`'s first setup (`manage.py setup_site`): the VAPID key pair, generated once into
var/ when VAPID_PRIVATE_KEY is not set."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def load_builtin(*, stdout: Any) -> None:
    if settings.VAPID_PRIVATE_KEY:
        return
    from waypoint.reminders import vapid

    path, made = vapid.ensure_key_file()
    if made:
        stdout.write(f"reminders: made a VAPID key pair for Web Push in {path} (owner-only)")
