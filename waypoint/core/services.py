"""Writes of the core app."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.utils import timezone


def sessions_purge() -> int:
    """Deletes expired sessions; returns how many went."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return int(deleted)
