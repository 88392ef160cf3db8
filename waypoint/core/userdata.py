"""The registry behind "My data": every app that stores something about a person plugs
into it, so that account export and account deletion always cover everything.

An app registers once, in its ``AppConfig.ready()``::

    from waypoint.core import userdata

    userdata.register(
        key="screening.results",
        label=_("Saved self-check results"),
        exporter=results_export_for_user,   # (user) -> JSON-serialisable list or dict
        deleter=results_delete_for_user,    # (user) -> number of rows deleted
    )

The exporter must return plain JSON types (str, int, float, bool, None, list, dict) and
decrypt anything stored encrypted: the export is for the person it describes. Deleters
run inside the one transaction that deletes the account, before the user row goes, so a
failure in any of them leaves everything as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    User = AbstractBaseUser
else:
    User = Any

Exporter = Callable[[Any], Any]
Deleter = Callable[[Any], int]


@dataclass(frozen=True)
class UserDataProvider:
    key: str
    label: str | Promise
    exporter: Exporter
    deleter: Deleter


_providers: dict[str, UserDataProvider] = {}


def register(*, key: str, label: str | Promise, exporter: Exporter, deleter: Deleter) -> None:
    """Adds an app's exporter and deleter. Registering the same key twice is an error."""
    if key in _providers and _providers[key].exporter is not exporter:
        raise ValueError(f"User data provider {key!r} is already registered.")
    _providers[key] = UserDataProvider(key=key, label=label, exporter=exporter, deleter=deleter)


def providers() -> list[UserDataProvider]:
    """All registered providers, in a stable order (by key)."""
    return [_providers[key] for key in sorted(_providers)]
