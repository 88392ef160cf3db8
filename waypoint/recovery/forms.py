"""Forms of the recovery pages. They only parse and check what was posted; services do
the writing (and the checks that need the database)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from waypoint.recovery.models import MedicationKind, Substance, SupportRole
from waypoint.recovery.selectors import time_zone_names

# Time zones listed first: the ones most people of the default (US) region live in.
COMMON_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
    "UTC",
)


def zone_choices() -> list[Any]:
    others = sorted(z for z in time_zone_names() if z not in COMMON_ZONES and "/" in z and not z.startswith("Etc/"))
    return [
        (_("Common"), [(z, z.replace("_", " ")) for z in COMMON_ZONES]),
        (_("All time zones"), [(z, z.replace("_", " ")) for z in others]),
    ]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


class Form(forms.Form):
    """Labels without a trailing colon (they are questions or names)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class StartForm(Form):
    start_date = forms.DateField(
        label=_("When did your recovery start?"),
        help_text=_("Today is fine. You can change it later."),
        widget=DateInput(),
    )
    time_zone = forms.ChoiceField(
        label=_("Your time zone"),
        help_text=_("Your days begin at midnight where you live."),
        widget=forms.Select(attrs={"data-time-zone": "1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["time_zone"]).choices = zone_choices()


class ProfileForm(StartForm):
    substances = forms.MultipleChoiceField(
        label=_("What I am in recovery from (optional)"),
        choices=Substance.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    medication_kind = forms.ChoiceField(
        label=_("Medication for opioid use disorder"),
        choices=MedicationKind.choices,
        initial=MedicationKind.NONE,
        widget=forms.RadioSelect,
    )
    medication_program = forms.CharField(label=_("Program or prescriber (optional)"), max_length=200, required=False)
    dose_time_1 = forms.TimeField(label=_("Dose time"), required=False, widget=TimeInput())
    dose_time_2 = forms.TimeField(label=_("Another dose time"), required=False, widget=TimeInput())
    dose_time_3 = forms.TimeField(label=_("Another dose time"), required=False, widget=TimeInput())
    taper_end_date = forms.DateField(
        label=_("Taper end date, if you are tapering (optional)"), required=False, widget=DateInput()
    )
    treatment_program = forms.CharField(
        label=_("Treatment program (optional)"),
        help_text=_("For example the clinic or counselor you see."),
        max_length=200,
        required=False,
    )

    def dose_times(self) -> list[str]:
        return [
            self.cleaned_data[name].strftime("%H:%M")
            for name in ("dose_time_1", "dose_time_2", "dose_time_3")
            if self.cleaned_data.get(name)
        ]


class SupportPersonForm(Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("A first name or a nickname is fine."), required=False
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"}),
    )
    role = forms.ChoiceField(label=_("Who they are"), choices=SupportRole.choices, initial=SupportRole.FRIEND)


class AppointmentForm(Form):
    day = forms.DateField(label=_("Date"), widget=DateInput())
    at = forms.TimeField(label=_("Time"), widget=TimeInput())
    title = forms.CharField(label=_("What it is"), max_length=200, help_text=_("For example: Clinic, Counselor."))
    place = forms.CharField(label=_("Where (optional)"), max_length=200, required=False)


# --- The daily check-in ---------------------------------------------------------------------

MOOD_CHOICES = [
    (1, _("Very low")),
    (2, _("Low")),
    (3, _("Okay")),
    (4, _("Good")),
    (5, _("Very good")),
]
SCALE_CHOICES = [(n, str(n)) for n in range(11)]
YES_NO = [("no", _("No")), ("yes", _("Yes"))]
# Chips rather than a number field: one tap. "4" stands for 4 hours or less, "10" for 10 or more.
SLEEP_CHOICES = [
    ("4", _("4 or less")),
    ("5", "5"),
    ("6", "6"),
    ("7", "7"),
    ("8", "8"),
    ("9", "9"),
    ("10", _("10 or more")),
]


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


class CheckinForm(Form):
    """The daily check-in. Every question is optional but the form needs at least one
    answer; a typical check-in is six taps (mood, craving, used, sleep, medication, save)."""

    # Made by the server when the page is drawn: sending the same form twice (a double
    # tap, a retry) is recognised and stored once.
    client_id = forms.UUIDField(widget=forms.HiddenInput)
    day = forms.DateField(widget=forms.HiddenInput)
    mood = forms.TypedChoiceField(
        label=_("How is your mood?"),
        choices=MOOD_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    craving = forms.TypedChoiceField(
        label=_("How strong are your cravings? (0 none, 10 strongest)"),
        choices=SCALE_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    used = forms.ChoiceField(
        label=_("Did you use today?"),
        help_text=_("An honest answer helps you. It never wipes out your recovery time."),
        choices=YES_NO,
        required=False,
        widget=forms.RadioSelect,
    )
    sleep = forms.ChoiceField(
        label=_("How many hours did you sleep last night?"),
        choices=SLEEP_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    medication_taken = forms.ChoiceField(
        label=_("Did you take your medication?"), choices=YES_NO, required=False, widget=forms.RadioSelect
    )
    meeting = forms.BooleanField(label=_("I went to a support meeting"), required=False)
    therapy = forms.BooleanField(label=_("I had counseling or therapy"), required=False)
    triggers = forms.MultipleChoiceField(
        label=_("Did you meet any of your triggers?"), required=False, widget=forms.CheckboxSelectMultiple
    )
    stress = forms.TypedChoiceField(
        label=_("Stress (0 none, 10 worst)"),
        choices=SCALE_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    pain = forms.TypedChoiceField(
        label=_("Pain (0 none, 10 worst)"),
        choices=SCALE_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("A note for yourself (optional, private)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        triggers: Sequence[tuple[str, str]] = (),
        has_medication: bool = False,
        yesterday: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if yesterday:
            self.fields["used"].label = _("Did you use that day?")
            self.fields["medication_taken"].label = _("Did you take your medication that day?")
        cast(forms.ChoiceField, self.fields["triggers"]).choices = list(triggers)
        if not triggers:
            del self.fields["triggers"]
        if not has_medication:
            del self.fields["medication_taken"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        answered = [
            data.get(name) not in (None, "", [], False)
            for name in ("mood", "craving", "used", "sleep", "medication_taken", "meeting", "therapy", "triggers")
        ] + [data.get("stress") is not None, data.get("pain") is not None, bool(data.get("note"))]
        if not any(answered):
            raise forms.ValidationError(_("Answer at least one question, then save."))
        return data

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "mood": data.get("mood"),
            "craving": data.get("craving"),
            "used": _yes_no(data.get("used")),
            "sleep_hours": int(data["sleep"]) if data.get("sleep") else None,
            "medication_taken": _yes_no(data.get("medication_taken")),
            # A box left empty on a saved check-in means "no".
            "meeting": bool(data.get("meeting")),
            "therapy": bool(data.get("therapy")),
            "stress": data.get("stress"),
            "pain": data.get("pain"),
            "trigger_ids": tuple(data.get("triggers") or ()),
            "note": data.get("note") or None,
        }


def checkin_initial(checkin: Any, *, day: date, used_recorded: bool) -> dict[str, Any]:
    """The form's values for a day: a new client id, and the day's check-in if any."""
    initial: dict[str, Any] = {"client_id": uuid.uuid4(), "day": day}
    if used_recorded:
        initial["used"] = "yes"
    if checkin is None:
        return initial
    sleep = None
    if checkin.sleep_hours is not None:
        sleep = str(min(10, max(4, round(float(checkin.sleep_hours)))))
    initial.update(
        mood=checkin.mood,
        craving=checkin.craving,
        sleep=sleep,
        medication_taken={True: "yes", False: "no"}.get(checkin.medication_taken),
        meeting=bool(checkin.meeting),
        therapy=bool(checkin.therapy),
        triggers=list(checkin.trigger_ids),
        stress=checkin.stress,
        pain=checkin.pain,
        note=checkin.note or "",
    )
    if checkin.used is not None and not used_recorded:
        initial["used"] = "yes" if checkin.used else "no"
    return initial


# --- Lapses and goals -----------------------------------------------------------------------


class ReflectionForm(Form):
    what_happened = forms.CharField(
        label=_("What was going on before? Where were you, who were you with, how did you feel?"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    what_helped = forms.CharField(
        label=_("What helped, even a little?"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    what_to_change = forms.CharField(
        label=_("What could you try next time?"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LapseForm(ReflectionForm):
    first = forms.DateField(label=_("Day"), widget=DateInput())
    last = forms.DateField(
        label=_("Last day, if it was more than one day (optional)"), required=False, widget=DateInput()
    )

    field_order = ["first", "last", "what_happened", "what_helped", "what_to_change"]


class GoalForm(Form):
    title = forms.CharField(
        label=pgettext_lazy("SMART goal", "Specific: what will you do?"),
        help_text=_('Not "be healthier" but "walk".'),
        max_length=300,
    )
    measure = forms.CharField(
        label=pgettext_lazy("SMART goal", "Measurable: how will you know you did it?"),
        help_text=_("For example: walk 20 minutes, 3 days a week."),
        max_length=1000,
        required=False,
    )
    achievable = forms.CharField(
        label=pgettext_lazy("SMART goal", "Achievable: what makes it doable for you now?"),
        help_text=_("Think of your time, money and energy. Start small."),
        max_length=1000,
        required=False,
    )
    relevant = forms.CharField(
        label=pgettext_lazy("SMART goal", "Relevant: why does it matter to you?"),
        max_length=1000,
        required=False,
    )
    due_date = forms.DateField(
        label=pgettext_lazy("SMART goal", "Time-bound: by when?"), required=False, widget=DateInput()
    )


class GoalStepForm(Form):
    step = forms.CharField(label=_("A small step"), max_length=300)
