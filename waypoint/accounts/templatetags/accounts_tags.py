from __future__ import annotations

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def minutes(value: timedelta | None) -> int:
    """Whole minutes of a waiting time, rounded up (the lockout page says "15 minutes")."""
    if not value:
        return 0
    return max(1, -(-int(value.total_seconds()) // 60))
