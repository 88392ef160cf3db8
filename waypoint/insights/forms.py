from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PreferenceForm(forms.Form):
    weekly_summary = forms.BooleanField(
        required=False,
        label=_("Send me this summary each week"),
        help_text=_("By notification or e-mail, as set in your reminders. The message only says a summary is ready."),
    )
    # Which page to go back to (only these two).
    back = forms.ChoiceField(choices=[("index", "index"), ("week", "week")], required=False)
