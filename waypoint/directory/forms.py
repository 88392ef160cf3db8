"""Forms: the search and "something wrong with this listing?" (both POST)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ListingReport
from .selectors import DEFAULT_RADIUS, MAX_RADIUS, MIN_RADIUS, UnknownService, canonical_services


class ServicesField(forms.Field):
    """Repeatable `service` field: codes or aliases, cleaned to canonical codes."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        values = [value] if isinstance(value, str) else list(value)
        if len(values) > 30:
            raise forms.ValidationError(_("Choose at most 30 services."))
        try:
            return canonical_services(str(v) for v in values)
        except UnknownService as exc:
            raise forms.ValidationError(
                _("We do not know the service “%(code)s”."), params={"code": exc.value}
            ) from exc


class SearchForm(forms.Form):
    near = forms.CharField(
        label=_("ZIP code or city and state"),
        max_length=100,
        required=False,
        help_text=_("For example 22903 or Charlottesville, VA."),
    )
    radius = forms.IntegerField(
        label=_("Distance in miles"), min_value=MIN_RADIUS, max_value=MAX_RADIUS, initial=DEFAULT_RADIUS, required=False
    )
    service = ServicesField(required=False)
    # "Can see me soon" (the availability app's rules); its label is in the template.
    soon = forms.BooleanField(required=False)


class ListingReportForm(forms.Form):
    problem = forms.ChoiceField(
        label=_("What is wrong?"), choices=ListingReport.Problem.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("More details (optional)"),
        help_text=_("Please do not write your name or anything about your health."),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
