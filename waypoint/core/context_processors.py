"""Template context every page needs: helplines, quick exit, discreet mode, languages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils import translation

from waypoint.core.helplines import helplines_for

DISCREET_COOKIE = "wp_discreet"


def waypoint(request: HttpRequest) -> dict[str, Any]:
    language = translation.get_language() or settings.LANGUAGE_CODE
    alternates = [
        {
            "code": code,
            "name": translation.get_language_info(code)["name_local"],
            "url": translate_url(request.get_full_path(), code),
        }
        for code, _name in settings.LANGUAGES
        if code != language
    ]
    return {
        "helplines": helplines_for(language),
        "quick_exit_url": settings.QUICK_EXIT_URL,
        "discreet": request.COOKIES.get(DISCREET_COOKIE) == "1",
        "language_alternates": alternates,
    }
