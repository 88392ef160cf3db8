"""What the person reads: each finding and each warning signal in plain words, in the
active language (English or Spanish), with its uncertainty and the days it rests on.

Numbers are rounded to half points: "about 2 points", never "2.04". Words are neutral
("on days with …", "on days you do not take your medication"): a pattern, not a verdict.
"""

from __future__ import annotations

import math

from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from waypoint.insights.analysis import OUTCOME_USE, Finding
from waypoint.insights.warning import Signal


def half(value: float) -> float:
    """Rounded to the nearest half (2.04 → 2, 1.3 → 1.5)."""
    return math.floor(abs(value) * 2 + 0.5) / 2


def number(value: float) -> str:
    """1.5 → "1.5" / "1,5"; 2.0 → "2"."""
    if value == int(value):
        return number_format(int(value), use_l10n=True)
    return number_format(value, decimal_pos=1, use_l10n=True)


def points(value: float) -> str:
    shown = half(value)
    return ngettext("%(num)s point", "%(num)s points", 1 if shown == 1 else 2) % {"num": number(shown)}


def days(count: int) -> str:
    return ngettext("%(num)s day", "%(num)s days", count) % {"num": number_format(count, use_l10n=True)}


def _range(finding: Finding) -> tuple[str, str]:
    """The likely range of the effect's size, as magnitudes ("1", "3 points")."""
    low, high = finding.low, finding.high
    if low * high > 0:
        small, large = sorted((abs(low), abs(high)))
    else:  # the range touches zero
        small, large = 0.0, max(abs(low), abs(high))
    return number(half(small)), points(large)


def weekday_name(factor: str) -> str:
    names = {
        "monday": pgettext("insights: on …", "Mondays"),
        "tuesday": pgettext("insights: on …", "Tuesdays"),
        "wednesday": pgettext("insights: on …", "Wednesdays"),
        "thursday": pgettext("insights: on …", "Thursdays"),
        "friday": pgettext("insights: on …", "Fridays"),
        "saturday": pgettext("insights: on …", "Saturdays"),
        "sunday": pgettext("insights: on …", "Sundays"),
    }
    return names[factor]


def time_name(factor: str) -> str:
    names = {
        "morning": _("in the morning (5 am to noon)"),
        "afternoon": _("in the afternoon (noon to 5 pm)"),
        "evening": _("in the evening (5 pm to 10 pm)"),
        "night": _("late at night (10 pm to 5 am)"),
    }
    return names[factor]


def _craving_sentence(finding: Finding) -> str:
    higher = finding.effect > 0
    kind = finding.kind
    if kind == "weekday":
        template = (
            _("On %(weekday)s, your craving is about %(points)s higher than on other days")
            if higher
            else _("On %(weekday)s, your craving is about %(points)s lower than on other days")
        )
        return template % {"weekday": weekday_name(finding.factor), "points": points(finding.effect)}
    if kind == "time_of_day":
        template = (
            _("When you check in %(time)s, your craving is about %(points)s higher than at other times")
            if higher
            else _("When you check in %(time)s, your craving is about %(points)s lower than at other times")
        )
        return template % {"time": time_name(finding.factor), "points": points(finding.effect)}
    if kind == "trigger":
        template = (
            _("On days with “%(trigger)s”, your craving is about %(points)s higher")
            if higher
            else _("On days with “%(trigger)s”, your craving is about %(points)s lower")
        )
        return template % {"trigger": finding.label, "points": points(finding.effect)}
    templates = {
        "sleep": (
            _("On nights you sleep under 6 hours, your craving the next day is about %(points)s higher"),
            _("On nights you sleep under 6 hours, your craving the next day is about %(points)s lower"),
        ),
        "mood": (
            _("On days your mood is low (2 or less out of 5), your craving is about %(points)s higher"),
            _("On days your mood is low (2 or less out of 5), your craving is about %(points)s lower"),
        ),
        "meeting": (
            _("On days you go to a meeting, your craving is about %(points)s higher"),
            _("On days you go to a meeting, your craving is about %(points)s lower"),
        ),
        "therapy": (
            _("On days with a counseling or therapy session, your craving is about %(points)s higher"),
            _("On days with a counseling or therapy session, your craving is about %(points)s lower"),
        ),
        "medication": (
            _("On days you do not take your medication, your craving is about %(points)s higher"),
            _("On days you do not take your medication, your craving is about %(points)s lower"),
        ),
        "stress": (
            _("On days your stress is high (7 or more out of 10), your craving is about %(points)s higher"),
            _("On days your stress is high (7 or more out of 10), your craving is about %(points)s lower"),
        ),
        "pain": (
            _("On days your pain is high (7 or more out of 10), your craving is about %(points)s higher"),
            _("On days your pain is high (7 or more out of 10), your craving is about %(points)s lower"),
        ),
    }
    up, down = templates[kind]
    return (up if higher else down) % {"points": points(finding.effect)}


def insight_text(finding: Finding) -> str:
    """One finding as the person reads it, with its likely range and its days."""
    if finding.outcome == OUTCOME_USE:
        return _(
            "On days with “%(trigger)s”, you used on %(used)s of %(exposed)s. "
            "On other days, it was %(used_other)s of %(other)s."
        ) % {
            "trigger": finding.label,
            "used": number_format(finding.events_exposed, use_l10n=True),
            "exposed": days(finding.n_exposed),
            "used_other": number_format(finding.events_other, use_l10n=True),
            "other": days(finding.n_other),
        }
    low, high = _range(finding)
    return _("%(sentence)s. The difference is likely %(low)s to %(high)s, based on %(days)s.") % {
        "sentence": capfirst(_craving_sentence(finding)),
        "low": low,
        "high": high,
        "days": days(finding.n),
    }


# --- The early warning's signals --------------------------------------------------------


def signal_label(name: str) -> str:
    labels = {
        "craving_level": _("Craving in the last 3 days"),
        "craving_rising": _("Craving going up this week"),
        "craving_swings": _("Craving changing a lot from day to day"),
        "low_mood": _("Mood in the last 3 days"),
        "triggers": _("Days with triggers"),
        "short_sleep": _("Short nights (under 6 hours)"),
        "missed_checkins": _("Days without a check-in"),
        "missed_medication": _("Missed doses"),
        "fewer_meetings": _("Meetings"),
    }
    return labels[name]


def _share(value: float) -> str:
    return _("%(percent)s%%") % {"percent": number_format(round(value * 100), use_l10n=True)}


def signal_detail(signal: Signal) -> str:
    """What was seen, next to the person's usual."""
    value, usual = signal.value, signal.usual
    if value is None:
        return _("Not enough check-ins to say")
    name = signal.name
    if name == "craving_rising":
        if value <= 0:
            return _("Not going up")
        return _("Up about %(points)s over the week") % {"points": points(value)}
    if usual is None:
        return _("Not enough check-ins yet to know your usual")
    if name in ("craving_level", "low_mood"):
        return _("%(recent)s on average (usually %(usual)s)") % {
            "recent": number(half(value)),
            "usual": number(half(usual)),
        }
    if name == "craving_swings":
        return _("Changes of about %(recent)s a day (usually %(usual)s)") % {
            "recent": points(value),
            "usual": points(usual),
        }
    if name in ("triggers", "short_sleep", "missed_medication"):
        return _("%(recent)s of recent days (usually %(usual)s)") % {
            "recent": _share(value),
            "usual": _share(usual),
        }
    if name == "missed_checkins":
        return _("%(recent)s of the last 7 days (usually %(usual)s)") % {
            "recent": number(round(value)),
            "usual": number(half(usual)),
        }
    return _("%(recent)s in the last 2 weeks (usually %(usual)s)") % {
        "recent": number(round(value)),
        "usual": number(half(usual)),
    }
