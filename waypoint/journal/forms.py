"""Forms of the journal pages: they parse what was posted; services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from waypoint.journal.models import Mood
from waypoint.journal.search import MAX_QUERY_CHARS

MOOD_CHOICES = Mood.choices


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class EntryForm(forms.Form):
    title = forms.CharField(label=_("Title (optional)"), max_length=200, required=False)
    text = forms.CharField(
        label=_("What is on your mind?"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": _("Write something first. A few words are enough.")},
    )
    mood = forms.TypedChoiceField(
        label=_("How do you feel? (optional)"),
        choices=MOOD_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    tags = forms.CharField(
        label=_("Tags (optional)"),
        help_text=_("Words to find this entry again, with commas between them. Only you see them."),
        max_length=600,
        required=False,
    )
    written_on = forms.DateField(label=_("Date"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search my journal"), max_length=MAX_QUERY_CHARS, required=False)
    # Set by a tag's button on an entry: only entries with that tag.
    tag = forms.CharField(max_length=40, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
