"""The encouragements a member can give a message: a small fixed set, all kind."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Encouragement:
    key: str
    symbol: str
    label: str | Promise


ENCOURAGEMENTS: tuple[Encouragement, ...] = (
    Encouragement("heart", "❤️", _("With you")),
    Encouragement("strong", "💪", _("Stay strong")),
    Encouragement("hug", "🤗", _("Sending a hug")),
    Encouragement("clap", "👏", _("Proud of you")),
)
KEYS: tuple[str, ...] = tuple(e.key for e in ENCOURAGEMENTS)
BY_KEY = {e.key: e for e in ENCOURAGEMENTS}
