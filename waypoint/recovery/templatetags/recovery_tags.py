"""Template helpers of the recovery pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField

register = template.Library()


@register.simple_tag
def chip_options(field: BoundField) -> list[dict[str, Any]]:
    """The choices of a radio or checkbox field, ready to draw as chips. (Drawing them
    from data rather than through each widget's own template keeps the check-in form,
    about sixty inputs, cheap to render.)"""
    value = field.value()
    chosen = (
        {str(v) for v in value}
        if isinstance(value, list | tuple)
        else {str(value)}
        if value not in (None, "")
        else set()
    )
    multiple = (
        field.field.widget.allow_multiple_selected if hasattr(field.field.widget, "allow_multiple_selected") else False
    )
    return [
        {
            "id": f"{field.auto_id}_{index}",
            "value": choice_value,
            "label": label,
            "checked": str(choice_value) in chosen,
            "type": "checkbox" if multiple else "radio",
        }
        for index, (choice_value, label) in enumerate(getattr(field.field, "choices", ()))
    ]
