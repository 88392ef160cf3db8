"""The journal's part of "My data": exported decrypted, deleted with the account."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from waypoint.core import userdata
from waypoint.journal import services


def register_all() -> None:
    userdata.register(
        key="journal.entries",
        label=_("Your journal"),
        exporter=services.journal_export,
        deleter=services.journal_delete,
    )
