from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PreferenceForm(forms.Form):
    weekly_summary = forms.BooleanField(
        required=False,
        label=_("Send me this summary each week"),
        help_text=_("By notification or e-mail, as set in your reminders. The message only says a summary is ready."),
    )
    warning_push = forms.BooleanField(
        required=False,
        label=_("Send me a note when the last few days look harder"),
        help_text=_(
            "By notification or e-mail, as set in your reminders, at most once every three days, between 10 am and 8 pm. "
            "The message only says a note is ready."
        ),
    )
    # Which page the form is on, and so which choice it saves (only these two).
    back = forms.ChoiceField(choices=[("index", "index"), ("week", "week")], required=False)
