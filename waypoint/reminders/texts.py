"""The words of every reminder, discreet or plain, in the person's language.

Discreet is the default: what shows on a lock screen says nothing about drugs, recovery,
medication or Waypoint ("Time for your daily note"), under a neutral title ("Notes", the
name the installed app takes in discreet mode). Plain words are the person's choice.
tests/test_texts.py checks every discreet text against a list of words in both languages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from waypoint.reminders.models import Kind, Wording

TEST = "test"


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    discreet: bool


def _time(value: dt.time | None) -> str:
    return formats.time_format(value) if value is not None else ""


def app_title(*, discreet: bool) -> str:
    return _("Notes") if discreet else "Waypoint"


def reminder_message(kind: str, *, wording: str, language: str, values: dict[str, Any] | None = None) -> Message:
    """The title and text of a reminder of `kind`. `values`: ``time`` (a local time),
    ``title`` (an appointment's or goal's own words — used only in plain wording) and
    ``count`` (goals due)."""
    values = values or {}
    discreet = wording != Wording.PLAIN
    with translation.override(language):
        when = _time(values.get("time"))
        title = str(values.get("title") or "")
        count = int(values.get("count") or 1)
        if kind == Kind.CHECKIN:
            body = (
                _("Time for your daily note.")
                if discreet
                else _("Time for your daily recovery check-in. It takes about 30 seconds.")
            )
        elif kind == Kind.DOSE:
            body = (
                _("Your %(time)s reminder.") % {"time": when}
                if discreet
                else _("Time for your %(time)s medication dose.") % {"time": when}
            )
        elif kind == Kind.APPOINTMENT:
            if discreet:
                body = _("%(time)s: you have something planned.") % {"time": when}
            else:
                body = _("Appointment at %(time)s: %(title)s") % {"time": when, "title": title}
        elif kind == Kind.BARC:
            body = (
                _("Time for your monthly check.")
                if discreet
                else _("Time for your monthly recovery strengths check (BARC-10).")
            )
        elif kind == Kind.GOALS:
            if discreet:
                body = _("Something on your list is due today.")
            elif count > 1:
                body = ngettext(
                    "%(count)d recovery goal is due today.", "%(count)d recovery goals are due today.", count
                ) % {"count": count}
            else:
                body = _("A recovery goal is due today: %(title)s") % {"title": title}
        elif kind == TEST:
            body = (
                _("This is a test. Reminders work on this device.")
                if discreet
                else _("This is a test. Waypoint reminders work on this device.")
            )
        else:
            raise ValueError(f"unknown reminder kind {kind!r}")
        return Message(title=app_title(discreet=discreet), body=body, discreet=discreet)


def notice_message(*, wording: str, language: str, discreet_text: str, plain_text: str) -> Message:
    """A message from another app: its own two texts, under our title."""
    discreet = wording != Wording.PLAIN
    with translation.override(language):
        return Message(
            title=app_title(discreet=discreet), body=discreet_text if discreet else plain_text, discreet=discreet
        )


def email_footer(*, discreet: bool, language: str) -> str:
    with translation.override(language):
        if discreet:
            return _("You asked for these e-mails. You can change or stop them in your settings.")
        return _("You turned on e-mail reminders in Waypoint. You can change or stop them on the reminders page.")


def test_texts(*, wording: str, language: str) -> tuple[str, str]:
    """(discreet, plain) texts of "Send me a test", for the person's language."""
    with translation.override(language):
        return (
            reminder_message(TEST, wording=Wording.DISCREET, language=language).body,
            reminder_message(TEST, wording=Wording.PLAIN, language=language).body,
        )
