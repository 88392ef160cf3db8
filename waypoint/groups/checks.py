"""System checks for groups: a held-words file that does not load stops start-up."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured


@register()
def held_words_list_loads(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from waypoint.groups import heldwords

    try:
        heldwords.load(heldwords.source_path())
    except ImproperlyConfigured as exc:
        return [
            Error(
                f"The groups held-words list does not load: {exc}",
                hint="Fix the file named by GROUPS_HELD_WORDS_FILE, or unset it to use the built-in list.",
                id="groups.E001",
            )
        ]
    return []
