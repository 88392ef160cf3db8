"""The reminders' part of "My data": choices, schedule, devices, waiting notifications."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from waypoint.core import userdata
from waypoint.reminders import services


def register_all() -> None:
    userdata.register(
        key="reminders.settings",
        label=_("Your reminders and notifications"),
        exporter=services.reminders_export,
        deleter=services.reminders_delete,
    )
