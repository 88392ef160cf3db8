"""Notices other apps add to the today page, the page a person opens every day.

The today page belongs to ``recovery``, which sits below the apps that may have something
to say on it (``insights``' early-warning prompt): they register a provider here, in their
``AppConfig.ready()``, and the page shows what the providers return — so ``recovery``
imports none of them::

    today.register(key="insights.warning", provider=warning_notice)

A provider takes the signed-in person as the keyword-only argument ``user`` and returns a
:class:`Notice` (a template of its own app and that template's context) or None. It reads
only that person's data, through its own app's chokepoints.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


Provider = Callable[..., Notice | None]
_PROVIDERS: dict[str, Provider] = {}


def register(*, key: str, provider: Provider) -> None:
    """Adds a provider (once per key; registering a key again replaces it, as a reloaded
    app would)."""
    _PROVIDERS[key] = provider


def notices_for(*, user: Any) -> list[Notice]:
    """What the providers have for this person today, in the order of their keys. A
    provider that fails is logged (its kind of error only: a message could quote the
    person's data) and left out — a notice must never keep someone from their today page."""
    notices = []
    for key in sorted(_PROVIDERS):
        try:
            notice = _PROVIDERS[key](user=user)
        except Exception as exc:
            logger.error("today: the %s notice failed (%s)", key, type(exc).__name__)
            continue
        if notice is not None:
            notices.append(notice)
    return notices
