"""Words and links shown on recovery pages: milestone names, phone links, plan views."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from waypoint.recovery import recoverytime
from waypoint.recovery.models import SupportRole
from waypoint.recovery.plan import PlanContent


def milestone_label(days: int) -> str:
    """ "1 day", "1 week", "6 months", "2 years"... for a milestone threshold."""
    names = {7: _("1 week"), 180: _("6 months"), 270: _("9 months")}
    if days in names:
        return names[days]
    if days >= recoverytime.YEAR_DAYS and days % recoverytime.YEAR_DAYS == 0:
        years = days // recoverytime.YEAR_DAYS
        return ngettext("%(count)s year", "%(count)s years", years) % {"count": years}
    return ngettext("%(count)s day", "%(count)s days", days) % {"count": days}


def days_text(days: int) -> str:
    return ngettext("%(count)s day", "%(count)s days", days) % {"count": days}


def tel_href(phone: str | None) -> str:
    """A tel:/sms: target: digits, with a leading + kept."""
    if not phone:
        return ""
    text = phone.strip()
    digits = re.sub(r"\D", "", text)
    return f"+{digits}" if text.startswith("+") else digits


def role_label(role: str) -> str:
    try:
        return str(SupportRole(role).label)
    except ValueError:
        return ""


@dataclass(frozen=True)
class PersonLink:
    name: str
    role: str
    phone: str
    tel: str


def person_links(people: list[Any]) -> list[PersonLink]:
    """Support people (or a plan version's copies of them) ready for tap-to-call/text."""
    return [
        PersonLink(
            name=p.name, role=role_label(p.role), phone=p.phone or "", tel=tel_href(getattr(p, "phone", "") or "")
        )
        for p in people
    ]


def plan_sections(content: PlanContent) -> dict[str, Any]:
    """The plan arranged for a page: triggers by kind, each strategy with its triggers'
    names, and each trigger with the strategies that answer it."""
    names = {t.id: t.name for t in content.triggers}
    coping = [{"text": s.text, "triggers": [names[i] for i in s.trigger_ids if i in names]} for s in content.coping]
    by_kind = [
        {
            **group,
            "triggers": [
                {"id": t.id, "name": t.name, "strategies": [s.text for s in content.strategies_for(t.id)]}
                for t in group["triggers"]
            ],
        }
        for group in content.triggers_by_kind()
    ]
    return {"by_kind": [g for g in by_kind if g["triggers"]], "coping": coping}
