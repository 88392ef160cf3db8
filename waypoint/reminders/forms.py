"""The reminder settings form: it parses; services validate the rest and write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from waypoint.reminders.models import Channel, Wording

LEAD_CHOICES = [
    (30, _("30 minutes before")),
    (60, _("1 hour before")),
    (120, _("2 hours before")),
    (24 * 60, _("1 day before")),
]
DEFAULTS = {
    "checkin_at": dt.time(20, 0),
    "appointment_lead": 60,
    "barc_at": dt.time(10, 0),
    "goals_at": dt.time(9, 0),
}


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


class SettingsForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How should reminders reach you?"), choices=Channel.choices, widget=forms.RadioSelect
    )
    email = forms.EmailField(
        label=_("E-mail address (only for e-mail reminders)"),
        help_text=_("Kept locked, like your journal. Any address works, it does not need your name."),
        required=False,
    )
    wording = forms.ChoiceField(label=_("What should they say?"), choices=Wording.choices, widget=forms.RadioSelect)
    quiet_start = forms.TimeField(label=_("Quiet from"), required=False, widget=TimeInput())
    quiet_end = forms.TimeField(label=_("Quiet until"), required=False, widget=TimeInput())
    checkin_on = forms.BooleanField(label=_("Daily check-in"), required=False)
    checkin_at = forms.TimeField(label=_("At"), required=False, widget=TimeInput())
    doses_on = forms.BooleanField(label=_("Medication, at each dose time in my profile"), required=False)
    appointments_on = forms.BooleanField(label=_("Appointments"), required=False)
    appointment_lead = forms.TypedChoiceField(
        label=_("When"), choices=LEAD_CHOICES, coerce=int, required=False, empty_value=None
    )
    barc_on = forms.BooleanField(label=_("Monthly strengths check, on the day it is due"), required=False)
    barc_at = forms.TimeField(label=_("At"), required=False, widget=TimeInput())
    goals_on = forms.BooleanField(label=_("Goals, on the day they are due"), required=False)
    goals_at = forms.TimeField(label=_("At"), required=False, widget=TimeInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # Each time field gets its own name for screen readers ("At" alone says too little).
        for name, label in (
            ("checkin_at", _("Time of the daily check-in reminder")),
            ("barc_at", _("Time of the monthly check reminder")),
            ("goals_at", _("Time of the goals reminder")),
        ):
            self.fields[name].widget.attrs["aria-label"] = str(label)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for switch, when in (("checkin_on", "checkin_at"), ("barc_on", "barc_at"), ("goals_on", "goals_at")):
            if data.get(switch) and not data.get(when):
                data[when] = DEFAULTS[when]
        if data.get("appointments_on") and not data.get("appointment_lead"):
            data["appointment_lead"] = DEFAULTS["appointment_lead"]
        return data

    def choices(self) -> dict[str, Any]:
        """The service's keyword arguments for which reminders, at what time."""
        data = self.cleaned_data
        return {
            "checkin_at": data["checkin_at"] if data.get("checkin_on") else None,
            "doses_on": bool(data.get("doses_on")),
            "appointment_lead_minutes": data["appointment_lead"] if data.get("appointments_on") else None,
            "barc_at": data["barc_at"] if data.get("barc_on") else None,
            "goals_at": data["goals_at"] if data.get("goals_on") else None,
        }


def initial_for(preference: Any) -> dict[str, Any]:
    if preference is None:
        return {
            "channel": Channel.PUSH,
            "wording": Wording.DISCREET,
            "checkin_at": DEFAULTS["checkin_at"],
            "appointment_lead": DEFAULTS["appointment_lead"],
            "barc_at": DEFAULTS["barc_at"],
            "goals_at": DEFAULTS["goals_at"],
        }
    return {
        "channel": preference.channel,
        "wording": preference.wording,
        "email": preference.email or "",
        "quiet_start": preference.quiet_start,
        "quiet_end": preference.quiet_end,
        "checkin_on": preference.checkin_at is not None,
        "checkin_at": preference.checkin_at or DEFAULTS["checkin_at"],
        "doses_on": preference.doses_on,
        "appointments_on": preference.appointment_lead_minutes is not None,
        "appointment_lead": preference.appointment_lead_minutes or DEFAULTS["appointment_lead"],
        "barc_on": preference.barc_at is not None,
        "barc_at": preference.barc_at or DEFAULTS["barc_at"],
        "goals_on": preference.goals_at is not None,
        "goals_at": preference.goals_at or DEFAULTS["goals_at"],
    }


class SnoozeForm(forms.Form):
    minutes = forms.TypedChoiceField(
        label=_("Remind me again in"),
        choices=[(15, _("15 minutes")), (60, _("1 hour")), (180, _("3 hours"))],
        coerce=int,
        initial=60,
        widget=forms.RadioSelect,
    )
