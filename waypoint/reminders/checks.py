"""System checks for reminders: a malformed or mismatched VAPID key stops start-up; a key
generated into var/ outside a local setup is a warning (browsers subscribed with it stop
getting notifications if var/ is lost)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.core.exceptions import ImproperlyConfigured


@register()
def vapid_key_usable(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from waypoint.reminders import vapid

    if not settings.VAPID_PRIVATE_KEY:
        if settings.DEBUG or settings.LOCAL_DEMO:
            return []
        return [
            Warning(
                "VAPID_PRIVATE_KEY is not set: Web Push uses a key generated into var/.",
                hint="Set VAPID_PRIVATE_KEY (or VAPID_PRIVATE_KEY_FILE); make one with `manage.py vapid_keys --print`. "
                "If that key is lost, every browser must turn notifications on again.",
                id="reminders.W001",
            )
        ]
    try:
        vapid.forget()
        vapid.vapid_keys()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="reminders.E001")]
    return []
