"""Reads for accounts pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from waypoint.accounts.models import RecoveryCode, TotpDevice, User
from waypoint.core import userdata


def recovery_codes_remaining(*, user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def totp_enabled(*, user: User) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed=True).exists()


@dataclass(frozen=True)
class ProviderSummary:
    key: str
    label: str | Promise
    count: int


def _count(data: Any) -> int:
    """How many things a provider holds: the items of a list; a dict is one record."""
    if data is None or data in ([], {}, ""):
        return 0
    if isinstance(data, list):
        return len(data)
    return 1


def userdata_summary(*, user: User) -> list[ProviderSummary]:
    """One line per registered provider for the "My data" page."""
    return [ProviderSummary(key=p.key, label=p.label, count=_count(p.export(user))) for p in userdata.providers()]
