"""The registry behind "My data": every app that stores something about a person plugs
into it, so that account export and account deletion always cover everything.

Two kinds of provider, registered once in the app's ``AppConfig.ready()``:

**Personal data** (a plan, check-ins, a journal): exported, and deleted with the account::

    userdata.register(
        key="recovery.checkins",
        label=_("Daily check-ins"),
        exporter=checkins_export,   # (*, user) -> JSON-serialisable list or dict
        deleter=checkins_delete,    # (*, user) -> number of rows deleted
    )

**Content others see** (a message in a group): exported, and on deletion its *text* is
erased while the row stays, shown as "message deleted", so a thread stays readable
without the person's words::

    userdata.register_shared(
        key="groups.messages",
        label=_("Your group messages"),
        exporter=messages_export,   # (*, user) -> JSON
        eraser=messages_erase,      # (*, user) -> number of rows erased; must leave no
                                    #    text and no reference to the person
    )

Every function takes the person as the keyword-only argument ``user`` (checked when it is
registered). Exporters return plain JSON types and decrypt anything stored encrypted: the
export is for the person it describes. On deletion, erasers run first, then deleters,
then the account row goes — all in one transaction, so a failure in any of them leaves
everything as it was.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

from django.utils.functional import Promise

if TYPE_CHECKING:
    from waypoint.accounts.models import User
else:
    User = Any

JsonValue = Any  # str | int | float | bool | None | list[JsonValue] | dict[str, JsonValue]


class Exporter(Protocol):
    def __call__(self, *, user: User) -> JsonValue: ...


class Deleter(Protocol):
    def __call__(self, *, user: User) -> int: ...


class Eraser(Protocol):
    def __call__(self, *, user: User) -> int: ...


Kind = Literal["personal", "shared"]


@dataclass(frozen=True)
class UserDataProvider:
    key: str
    label: str | Promise
    kind: Kind
    exporter: Exporter
    # Personal data: deletes the rows. Shared content: erases their text, keeps the rows.
    remover: Deleter | Eraser

    def export(self, user: User) -> JsonValue:
        return self.exporter(user=user)

    def remove(self, user: User) -> int:
        return self.remover(user=user)


_providers: dict[str, UserDataProvider] = {}


def _check_signature(function: Callable[..., Any], role: str, key: str) -> None:
    parameters = inspect.signature(function).parameters
    user = parameters.get("user")
    if user is None or user.kind is not inspect.Parameter.KEYWORD_ONLY:
        raise TypeError(f"{key}: the {role} must take the person as a keyword-only argument `user`.")
    others = [
        name
        for name, p in parameters.items()
        if name != "user" and p.default is inspect.Parameter.empty and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
    ]
    if others:
        raise TypeError(f"{key}: the {role} may not require other arguments ({', '.join(others)}).")


def _add(provider: UserDataProvider) -> None:
    existing = _providers.get(provider.key)
    if existing is not None and existing != provider:
        raise ValueError(f"User data provider {provider.key!r} is already registered.")
    _providers[provider.key] = provider


def register(*, key: str, label: str | Promise, exporter: Exporter, deleter: Deleter) -> None:
    """Adds an app's personal data: exported, and deleted with the account."""
    _check_signature(exporter, "exporter", key)
    _check_signature(deleter, "deleter", key)
    _add(UserDataProvider(key=key, label=label, kind="personal", exporter=exporter, remover=deleter))


def register_shared(*, key: str, label: str | Promise, exporter: Exporter, eraser: Eraser) -> None:
    """Adds content that others see: exported, and erased (not deleted) with the account."""
    _check_signature(exporter, "exporter", key)
    _check_signature(eraser, "eraser", key)
    _add(UserDataProvider(key=key, label=label, kind="shared", exporter=exporter, remover=eraser))


def unregister(key: str) -> None:
    """Removes a provider (tests only)."""
    _providers.pop(key, None)


def providers() -> list[UserDataProvider]:
    """All registered providers, in a stable order (by key)."""
    return [_providers[key] for key in sorted(_providers)]


def removal_order() -> list[UserDataProvider]:
    """The order account deletion runs them: erasers of shared content first (they detach
    rows that the person's own rows may point to), then deleters."""
    return sorted(providers(), key=lambda p: (p.kind != "shared", p.key))
