"""Forms: choosing the place, and what to send. Short, plain-text fields with firm limits."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

NAME_MAX = 40
PHONE_MAX = 30
TIMES_MAX = 100
LANGUAGE_MAX = 40
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _plain(value: str) -> str:
    return " ".join(_CONTROL.sub(" ", value or "").split())


class PlaceForm(forms.Form):
    near = forms.CharField(label=_("Your ZIP code or city and state"), max_length=100, required=False)


class DetailsForm(forms.Form):
    LANGUAGES = (("en", _("English")), ("es", _("Spanish")), ("other", _("Another language")))
    VOICEMAIL = (
        ("no", _("No. Do not leave a message: only talk to me.")),
        ("yes", _("Yes, they may leave a message.")),
    )

    first_name = forms.CharField(
        label=_("First name or nickname (optional)"),
        max_length=NAME_MAX,
        required=False,
        help_text=_("What they should ask for when they call. It does not have to be your real name."),
    )
    phone = forms.CharField(label=_("Phone number"), max_length=PHONE_MAX, help_text=_("With the area code."))
    call_times = forms.CharField(
        label=_("Good times to call (optional)"),
        max_length=TIMES_MAX,
        required=False,
        help_text=_("For example: on work days after 3 pm."),
    )
    call_language = forms.ChoiceField(label=_("Language for the call"), choices=LANGUAGES, widget=forms.RadioSelect)
    other_language = forms.CharField(label=_("Which language?"), max_length=LANGUAGE_MAX, required=False)
    voicemail = forms.ChoiceField(
        label=_("If you do not answer, may they leave a voice message?"),
        choices=VOICEMAIL,
        widget=forms.RadioSelect,
        initial="no",
    )
    include_summary = forms.BooleanField(label=_("Send my self-check summary"), required=False)

    def clean_first_name(self) -> str:
        return _plain(self.cleaned_data.get("first_name", ""))

    def clean_call_times(self) -> str:
        return _plain(self.cleaned_data.get("call_times", ""))

    def clean_other_language(self) -> str:
        return _plain(self.cleaned_data.get("other_language", ""))

    def clean_phone(self) -> str:
        value = _plain(self.cleaned_data.get("phone", ""))
        if not re.fullmatch(r"[0-9+().\- ]+", value) or not 7 <= len(re.sub(r"\D", "", value)) <= 15:
            raise forms.ValidationError(_("Type a phone number with the area code. Use numbers only."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("call_language") == "other" and not data.get("other_language"):
            self.add_error("other_language", _("Say which language."))
        return data

    def details(self) -> dict[str, Any]:
        """The cleaned answers as the draft keeps them."""
        data = self.cleaned_data
        return {
            "first_name": data["first_name"],
            "phone": data["phone"],
            "call_times": data["call_times"],
            "call_language": data["call_language"],
            "other_language": data["other_language"] if data["call_language"] == "other" else "",
            "voicemail": data["voicemail"],
            "include_summary": bool(data.get("include_summary")),
        }
