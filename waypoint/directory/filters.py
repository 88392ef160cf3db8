"""The checkboxes a person ticks on the search page, grouped as fieldsets.

Each box is one canonical code; the labels come from the code table (English/Spanish),
and aliases (METH, IOP, TELE, CASH, TRICARE, ADOL, YA, ASL) are folded into these codes
by selectors.canonical_services, so old and new links tick the same box.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FilterGroup:
    key: str
    legend: Promise
    codes: tuple[str, ...]


FILTER_GROUPS: tuple[FilterGroup, ...] = (
    FilterGroup("medication", _("Medicine for opioid use"), ("MU", "BU", "NU", "OTP")),
    FilterGroup("care", _("Kind of care"), ("SA", "DT", "OP", "OIT", "RES", "HI", "CT")),
    FilterGroup("payment", _("Paying for care"), ("MD", "MC", "PI", "SF", "SS", "NP", "ITU", "MI")),
    FilterGroup("language", _("Language"), ("SP", "AH", "F4", "F17", "F28", "F47", "F70", "F81", "F92")),
    FilterGroup("groups", _("Programs for"), ("PW", "AD", "TAY", "WN", "MN", "VET", "GL", "CJ")),
)
# Shown on each result when the facility offers them: what matters most to a caller.
HIGHLIGHT_CODES = (
    "MU",
    "BU",
    "NU",
    "OTP",
    "DT",
    "RES",
    "OIT",
    "OP",
    "CT",
    "MD",
    "NP",
    "SS",
    "SP",
    "AH",
    "PW",
    "AD",
    "VET",
)
