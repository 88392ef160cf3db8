"""Writes of the insights app: computing and storing a person's insights, the nightly
batch, preferences, the weekly summary notification, and My data.

Every computation takes one person and reads only that person's check-ins (through
``sources``); nothing is ever pooled across people.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from waypoint.insights import selectors, sources
from waypoint.insights.analysis import RULES, Finding, analyse_frame
from waypoint.insights.facts import Checkin, CheckinLike
from waypoint.insights.frame import build_frame
from waypoint.insights.models import InsightPreference, InsightSnapshot
from waypoint.insights.warning import MIN_USUAL_CHECKINS, DayWarning, Signal, warning_series

logger = logging.getLogger(__name__)

# Bump when the payload's shape or the engine's rules change: stored snapshots are then
# recomputed on the next look.
PAYLOAD_VERSION = 1
NIGHTLY_BATCH = 200  # people per queued task


@dataclass(frozen=True)
class Current:
    """A person's insights as stored (decrypted)."""

    computed_at: datetime.datetime
    computed_for: datetime.date
    checkins: int
    enough: bool
    tested: int
    findings: list[Finding]
    warning: DayWarning | None


def _fingerprint(rows: list[CheckinLike], today: datetime.date) -> str:
    """A digest of exactly what the insights were computed from (kept inside the encrypted
    payload): any changed, added or deleted check-in makes the stored insights stale."""
    digest = hashlib.sha256()
    digest.update(f"{PAYLOAD_VERSION}|{RULES!r}|{today.isoformat()}".encode())
    for row in rows:
        stamp = row.recorded_at.isoformat() if row.recorded_at else ""
        digest.update(
            repr(
                (
                    row.date.isoformat(), row.mood, row.craving, row.used, row.sleep_hours, row.medication_taken,
                    row.meeting, row.therapy, row.stress, row.pain, tuple(row.triggers), stamp,
                )
            ).encode()
        )  # fmt: skip
    return digest.hexdigest()


def rows_for(*, user: Any, today: datetime.date) -> list[CheckinLike]:
    """The person's check-ins up to `today`, with the mood from their journal filled in on
    days whose check-in has none — only if they chose, in the journal, to let insights use
    their journal moods (the journal app answers nothing otherwise)."""
    rows = list(sources.checkin_facts(user=user, end=today))
    if not rows:
        return rows
    moods = sources.journal_moods(user=user, start=rows[0].date, end=today)
    if not moods:
        return rows
    return [_with_mood(row, moods[row.date]) if row.mood is None and row.date in moods else row for row in rows]


def _with_mood(row: CheckinLike, mood: int) -> Checkin:
    return Checkin(
        date=row.date,
        mood=mood,
        craving=row.craving,
        used=row.used,
        sleep_hours=row.sleep_hours,
        medication_taken=row.medication_taken,
        meeting=row.meeting,
        therapy=row.therapy,
        stress=row.stress,
        pain=row.pain,
        triggers=tuple(row.triggers),
        recorded_at=row.recorded_at,
    )


def _warning_dict(day: DayWarning | None) -> dict[str, Any] | None:
    if day is None:
        return None
    return {
        "date": day.date.isoformat(),
        "score": day.score,
        "signals": [
            {"name": s.name, "points": s.points, "weight": s.weight, "value": s.value, "usual": s.usual}
            for s in day.signals
        ],
    }


def _warning_from(data: dict[str, Any] | None) -> DayWarning | None:
    if not data:
        return None
    return DayWarning(
        date=datetime.date.fromisoformat(data["date"]),
        score=float(data["score"]),
        signals=tuple(Signal(**signal) for signal in data["signals"]),
    )


def compute_payload(*, rows: list[CheckinLike], today: datetime.date, time_zone: Any) -> dict[str, Any]:
    """The insights and today's early warning for one person's rows (pure: no database)."""
    frame = build_frame(rows, time_zone=time_zone)
    analysis = analyse_frame(frame)
    first = frame.first_date
    series = warning_series(frame, through=today) if first is not None and first <= today else None
    return {
        "version": PAYLOAD_VERSION,
        "fingerprint": _fingerprint(rows, today),
        "checkins": analysis.checkins,
        "enough": analysis.enough,
        "tested": len(analysis.tested),
        "findings": [f.as_dict() for f in analysis.shown],
        "warning": _warning_dict(series.on(today) if series is not None else None),
    }


def decode(snapshot: InsightSnapshot) -> Current:
    data = json.loads(snapshot.payload)
    return Current(
        computed_at=snapshot.computed_at,
        computed_for=snapshot.computed_for,
        checkins=int(data["checkins"]),
        enough=bool(data["enough"]),
        tested=int(data["tested"]),
        findings=[Finding.from_dict(f) for f in data["findings"]],
        warning=_warning_from(data.get("warning")),
    )


def _stale(snapshot: InsightSnapshot | None, *, today: datetime.date, fingerprint: str) -> bool:
    if snapshot is None or snapshot.computed_for != today:
        return True
    try:
        data = json.loads(snapshot.payload)
    except ValueError:
        return True
    return data.get("version") != PAYLOAD_VERSION or data.get("fingerprint") != fingerprint


def _store(*, user: Any, today: datetime.date, payload: dict[str, Any]) -> InsightSnapshot:
    text = json.dumps(payload, separators=(",", ":"))
    now = timezone.now()
    with transaction.atomic():
        snapshot = InsightSnapshot.objects.select_for_update().filter(user_id=user.pk).first()
        if snapshot is None:
            snapshot = InsightSnapshot(user_id=user.pk, computed_at=now, computed_for=today, payload=text)
            snapshot.full_clean(exclude=["user"])
            try:
                with transaction.atomic():
                    snapshot.save()
                return snapshot
            except IntegrityError:
                # Another request stored this person's first snapshot just now: update it.
                snapshot = InsightSnapshot.objects.select_for_update().get(user_id=user.pk)
        snapshot.computed_at = now
        snapshot.computed_for = today
        snapshot.payload = text
        snapshot.save(update_fields=["computed_at", "computed_for", "payload"])
    return snapshot


def insights_refresh(*, user: Any, force: bool = False) -> InsightSnapshot | None:
    """Recomputes and stores the person's insights if what is stored is stale (their day
    changed, or their check-ins did). Too few check-ins for even an early warning: any
    stored snapshot is removed (it could only describe data that has been deleted)."""
    today = sources.local_today(user=user)
    rows = rows_for(user=user, today=today)
    snapshot = InsightSnapshot.objects.filter(user_id=user.pk).first()
    if len(rows) < MIN_USUAL_CHECKINS:
        if snapshot is not None:
            InsightSnapshot.objects.filter(user_id=user.pk).delete()
        return None
    fingerprint = _fingerprint(rows, today)
    if not force and not _stale(snapshot, today=today, fingerprint=fingerprint):
        return snapshot
    payload = compute_payload(rows=rows, today=today, time_zone=sources.time_zone(user=user))
    return _store(user=user, today=today, payload=payload)


def insights_current(*, user: Any) -> tuple[Current | None, int]:
    """What the insights page shows: the stored insights, refreshed first if stale; and
    the number of check-ins (for "N more to go" when there is not enough yet)."""
    snapshot = insights_refresh(user=user)
    if snapshot is None:
        today = sources.local_today(user=user)
        return None, len(sources.checkin_facts(user=user, end=today))
    current = decode(snapshot)
    return current, current.checkins


def warning_today(*, user: Any) -> DayWarning | None:
    """Today's early warning if it is at or above the threshold (else None), for the today
    page. Reads the stored snapshot; computes again only when it is from an earlier day or
    older than the person's last added or edited check-in or lapse — so the page costs four
    small queries (the time zone, the snapshot, the two last-changed times) on most loads,
    and one computation after each check-in."""
    today = sources.local_today(user=user)
    snapshot = InsightSnapshot.objects.filter(user_id=user.pk).first()
    changed = sources.facts_changed_at(user=user)
    if snapshot is None or snapshot.computed_for != today or (changed is not None and changed > snapshot.computed_at):
        snapshot = insights_refresh(user=user)
    if snapshot is None:
        return None
    warning = decode(snapshot).warning
    if warning is None or warning.date != today or not warning.above:
        return None
    return warning


def insights_refresh_batch(*, user_ids: list[int]) -> int:
    """The nightly work for a batch of people, one at a time (one person's data per
    computation). Returns how many snapshots were written or kept. One person's failure
    is logged (without any health data) and does not stop the batch."""
    done = 0
    for user in get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("pk"):
        try:
            if insights_refresh(user=user) is not None:
                done += 1
        except Exception as exc:
            # Only the kind of error: a message could quote a person's data.
            logger.error("insights: nightly refresh failed for one person (%s)", type(exc).__name__)
    return done


def insights_nightly_enqueue(*, batch_size: int = NIGHTLY_BATCH) -> int:
    """Queues the nightly refresh for every active account, in batches (one task each).
    Returns the number of batches queued."""
    from waypoint.insights.tasks import insights_batch

    ids = list(get_user_model().objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    batches = 0
    for start in range(0, len(ids), batch_size):
        insights_batch(ids[start : start + batch_size])
        batches += 1
    return batches


# --- Preferences -------------------------------------------------------------------------


def insight_preference_update(
    *, user: Any, language: str, weekly_summary: bool | None = None, warning_push: bool | None = None
) -> InsightPreference:
    """Saves the person's choices (and the language their notifications are written in).
    A choice given as None stays as it was: each page asks only its own."""
    with transaction.atomic():
        preference, _created = InsightPreference.objects.select_for_update().get_or_create(user_id=user.pk)
        if weekly_summary is not None:
            preference.weekly_summary = weekly_summary
        if warning_push is not None:
            preference.warning_push = warning_push
        preference.language = language if language in ("en", "es") else "en"
        preference.full_clean(exclude=["user"])
        preference.save(update_fields=["weekly_summary", "warning_push", "language"])
    return preference


# --- The weekly summary notification ------------------------------------------------------


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


SUMMARY_HOUR = 9  # local time from which Monday's summary goes out (never at midnight)


def weekly_summary_send(*, user: Any) -> bool:
    """Sends last week's summary to one person who chose it, once per week, from 9 am on
    their own Monday (or later that week): the week is claimed with a conditional UPDATE
    first, so two consumers never both send it. The words are discreet (nothing about
    drugs or recovery) unless the reminders app's settings for this person say otherwise
    — it picks between the two texts."""
    zone = sources.time_zone(user=user)
    now = timezone.now().astimezone(zone) if zone is not None else timezone.localtime()
    if now.weekday() == 0 and now.hour < SUMMARY_HOUR:
        return False
    today = sources.local_today(user=user)
    last_week = week_start(today) - datetime.timedelta(days=7)
    preference = selectors.preference_for(user=user)
    language = preference.language if preference is not None else "en"
    with translation.override(language):
        url = reverse("insights:week") + "?weeks_ago=1"
        discreet = _("Your weekly summary is ready.")
        plain = _("Your week in Waypoint: check-ins, craving and mood, and what stood out.")
    with transaction.atomic():
        claimed = (
            InsightPreference.objects.filter(user_id=user.pk, weekly_summary=True)
            .filter(Q(weekly_sent_for__isnull=True) | Q(weekly_sent_for__lt=last_week))
            .update(weekly_sent_for=last_week)
        )
        if not claimed:
            return False
        # In the same transaction as the claim: the reminders app stores the notice and
        # sends it after commit, so the week is claimed and the notice queued together.
        sources.notify(user=user, kind="insights.weekly", discreet_text=discreet, plain_text=plain, url=url)
    return True


def _send_each(due: Any, send: Any) -> int:
    """Runs `send(user=…)` for the active owner of each preference row in `due`; how many sent."""
    sent = 0
    for preference in due.iterator(chunk_size=500):
        if preference.user.is_active and send(user=preference.user):
            sent += 1
    return sent


def weekly_summaries_send_due() -> int:
    """Every person who chose the weekly summary and whose local week has begun since the
    last one was sent (run hourly; each person's own Monday, in their time zone)."""
    # Everyone's local date is within a day of UTC's: whoever already has the latest week
    # any time zone could be asking for is skipped without a look at their profile.
    latest = week_start(timezone.now().date() + datetime.timedelta(days=1)) - datetime.timedelta(days=7)
    due = (
        InsightPreference.objects.filter(weekly_summary=True)
        .filter(Q(weekly_sent_for__isnull=True) | Q(weekly_sent_for__lt=latest))
        .select_related("user")
        .order_by("pk")
    )
    return _send_each(due, weekly_summary_send)


# --- The early-warning notification -----------------------------------------------------------

WARNING_PUSH_HOURS = range(10, 20)  # local hours it may go out: never at night or first thing
WARNING_PUSH_GAP = 3  # days: at most one such note every three days — a nudge, not nagging


def warning_push_send(*, user: Any) -> bool:
    """Sends the person who chose it a discreet note when the early warning stored for
    their today is above the threshold: between 10 am and 8 pm local time, at most once
    every WARNING_PUSH_GAP days (the day is claimed with a conditional UPDATE first, so two
    consumers never both send it). Reads the stored snapshot only (computed nightly, and
    whenever the person opens a page that shows insights): never computes here. The note
    says nothing about drugs, recovery or how the person is doing, unless the person chose
    plain words in their reminders — even then only that "the last few days look harder"."""
    zone = sources.time_zone(user=user)
    now = timezone.now().astimezone(zone) if zone is not None else timezone.localtime()
    if now.hour not in WARNING_PUSH_HOURS:
        return False
    today = sources.local_today(user=user)
    snapshot = InsightSnapshot.objects.filter(user_id=user.pk, computed_for=today).first()
    warning = decode(snapshot).warning if snapshot is not None else None
    if warning is None or warning.date != today or not warning.above:
        return False
    preference = selectors.preference_for(user=user)
    language = preference.language if preference is not None else "en"
    with translation.override(language):
        url = reverse("insights:index")
        discreet = _("A note for you is ready.")
        plain = _("The last few days look harder than usual. Your plan and your people are one tap away.")
    with transaction.atomic():
        claimed = (
            InsightPreference.objects.filter(user_id=user.pk, warning_push=True)
            .filter(
                Q(warning_sent_for__isnull=True)
                | Q(warning_sent_for__lte=today - datetime.timedelta(days=WARNING_PUSH_GAP))
            )
            .update(warning_sent_for=today)
        )
        if not claimed:
            return False
        sources.notify(user=user, kind="insights.warning", discreet_text=discreet, plain_text=plain, url=url)
    return True


def warning_pushes_send_due() -> int:
    """Every person who chose the early-warning note and was not sent one in the last
    WARNING_PUSH_GAP days (run hourly)."""
    # Everyone's local date is within a day of UTC's: whoever was sent one too recently for
    # any time zone is skipped without a look at their snapshot.
    latest = timezone.now().date() + datetime.timedelta(days=1 - WARNING_PUSH_GAP)
    due = (
        InsightPreference.objects.filter(warning_push=True)
        .filter(Q(warning_sent_for__isnull=True) | Q(warning_sent_for__lte=latest))
        .select_related("user")
        .order_by("pk")
    )
    return _send_each(due, warning_push_send)


# --- My data ---------------------------------------------------------------------------------


def insights_export(*, user: Any) -> dict[str, Any]:
    """Stored insights (decrypted) and choices, as plain JSON."""
    out: dict[str, Any] = {"snapshot": None, "preferences": None}
    snapshot = InsightSnapshot.objects.filter(user_id=user.pk).first()
    if snapshot is not None:
        data = json.loads(snapshot.payload)
        data.pop("fingerprint", None)
        out["snapshot"] = {
            "computed_at": snapshot.computed_at.isoformat(),
            "computed_for": snapshot.computed_for.isoformat(),
            **data,
        }
    preference = selectors.preference_for(user=user)
    if preference is not None:
        out["preferences"] = {
            "weekly_summary": preference.weekly_summary,
            "language": preference.language,
            "weekly_sent_for": preference.weekly_sent_for.isoformat() if preference.weekly_sent_for else None,
            "warning_push": preference.warning_push,
            "warning_sent_for": preference.warning_sent_for.isoformat() if preference.warning_sent_for else None,
        }
    return out


def insights_delete(*, user: Any) -> int:
    """Deletes the person's stored insights and choices."""
    with transaction.atomic():
        snapshots, _ = InsightSnapshot.objects.filter(user_id=user.pk).delete()
        preferences, _ = InsightPreference.objects.filter(user_id=user.pk).delete()
    return snapshots + preferences
