"""Stored insights and choices join My data: exported (decrypted) and deleted with the account."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from waypoint.core import userdata


def register_all() -> None:
    from waypoint.insights import services

    userdata.register(
        key="insights.insights",
        label=_("Insights and weekly summary settings"),
        exporter=services.insights_export,
        deleter=services.insights_delete,
    )
