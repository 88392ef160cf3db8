"""Forms: asking to manage a listing, and the tiny availability form (defaults from the last update)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import Availability


def phone_digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


class StaffRequestForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=100)
    role = forms.CharField(
        label=_("Your role at this place"), max_length=100, help_text=_("For example: intake coordinator.")
    )
    work_phone = forms.CharField(
        label=_("Your work phone"), max_length=40, help_text=_("A number at this place where we can reach you.")
    )
    work_email = forms.EmailField(
        label=_("Your work e-mail"),
        max_length=254,
        help_text=_("We send a short notice here when someone asks to be called. Nothing else."),
    )

    def clean_work_phone(self) -> str:
        value = self.cleaned_data["work_phone"].strip()
        if not 7 <= len(phone_digits(value)) <= 15:
            raise forms.ValidationError(_("Enter a phone number with its area code."))
        return value


class AvailabilityForm(forms.Form):
    new_clients = forms.ChoiceField(
        label=_("Taking new clients today?"), choices=Availability.NewClients.choices, widget=forms.RadioSelect
    )
    wait_days = forms.IntegerField(
        label=_("If waitlist: about how many days?"), min_value=1, max_value=rules.WAIT_MAX_DAYS, required=False
    )
    same_day_methadone = forms.BooleanField(label=_("Methadone"), required=False)
    same_day_buprenorphine = forms.BooleanField(label=_("Buprenorphine"), required=False)
    walk_in_hours = forms.CharField(
        label=_("Walk-in hours (optional)"),
        max_length=rules.HOURS_MAX_CHARS,
        required=False,
        help_text=_("For example: Mon–Fri 7–10 am."),
    )
    note = forms.CharField(
        label=_("Short note (optional)"),
        max_length=rules.NOTE_MAX_CHARS,
        required=False,
        help_text=_("Plain text, for the public. Never write anything about a client."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_clients") == Availability.NewClients.WAITLIST and not data.get("wait_days"):
            self.add_error("wait_days", _("Say about how many days the wait is."))
        return data

    @classmethod
    def initial_from(cls, row: Availability | None) -> dict[str, Any]:
        """The last update's answers, so a quick check-in is one tap on Save."""
        if row is None:
            return {}
        return {
            "new_clients": row.new_clients,
            "wait_days": row.wait_days,
            "same_day_methadone": row.same_day_methadone,
            "same_day_buprenorphine": row.same_day_buprenorphine,
            "walk_in_hours": row.walk_in_hours,
            "note": row.note,
        }
