"""Writes of the screening app: saving a result a signed-in person chose to keep, and
the exporter/deleter registered with ``waypoint.core.userdata``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from waypoint.screening.engine import get_instrument, score
from waypoint.screening.models import SavedResult


def result_save(*, user: Any, instrument_id: str, answers: Mapping[str, Any]) -> SavedResult:
    """Re-scores `answers` on the server (never trusting a posted total) and saves them.

    Raises LookupError for an unknown instrument and AnswerError for invalid answers.
    """
    instrument = get_instrument(instrument_id)
    if instrument is None:
        raise LookupError(instrument_id)
    result = score(instrument, answers)
    saved = SavedResult(
        user=user,
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        answers=dict(result.answers),
        total=result.total,
        band=result.band.key if result.band else "",
    )
    saved.full_clean(exclude=["user"])
    with transaction.atomic():
        saved.save()
    return saved


def results_export_for_user(*, user: Any) -> list[dict[str, Any]]:
    """Every saved result of `user` as plain JSON types (for "My data" export)."""
    return [
        {
            "instrument": row.instrument_id,
            "version": row.instrument_version,
            "answers": row.answers,
            "total": row.total,
            "band": row.band or None,
            "saved_at": row.created_at.isoformat(),
        }
        for row in SavedResult.objects.filter(user=user).order_by("created_at", "id")
    ]


def results_delete_for_user(*, user: Any) -> int:
    """Deletes every saved result of `user`; returns how many rows went."""
    deleted, _by_model = SavedResult.objects.filter(user=user).delete()
    return int(deleted)
