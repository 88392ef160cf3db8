"""Sending what is due, once: the one periodic task's work (tasks.py runs it every minute).

**Claiming.** A consumer claims due rows in one short transaction — the ids of rows whose
``next_send_at`` has passed (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite
serialises writers, ``transaction_mode=IMMEDIATE``), then a conditional ``UPDATE`` that
stamps them with the consumer's random ``claim`` token and moves ``next_send_at`` a lease
ahead. Another consumer's claim finds nothing due in them; if this consumer dies mid-send,
the rows become due again when the lease ends (nothing is lost).

**Finishing.** After sending, each row's next state (the next occurrence, a retry, a
snooze's return) is written only while it still carries this consumer's token, in chunks
of ``FINISH_EVERY`` rows. A consumer that runs long stops sending well before its lease
ends and hands the rest back, so no row is sent by two consumers. (The one gap left is a
crash between a push service accepting a message and the chunk's commit: those few may go
again after the lease — each push carries a ``Topic``, so one still waiting at the push
service is replaced rather than shown twice.)

**Failures.** A push service that does not answer, says 429 or fails (5xx) is tried again
later (1, 5, 15, 60 minutes), only for the devices that missed it; a subscription the
service says is gone (404/410) is removed. A reminder missed by more than ``STALE`` (the
server was down) is not sent late; the next one is scheduled.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, models, transaction
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from waypoint.reminders import push, schedule, sources, texts
from waypoint.reminders.models import Kind, Notice, PushSubscription, Reminder, ReminderSettings, Wording

logger = logging.getLogger("waypoint.reminders")

LEASE = dt.timedelta(minutes=10)
# Stop sending from a claimed batch this long before its lease ends (more than one push's
# time-out), handing the rest back.
LEASE_MARGIN = dt.timedelta(minutes=2)
CLAIM_BATCH = 200
FINISH_EVERY = 50
STALE = dt.timedelta(hours=3)
RETRY_MINUTES = (1, 5, 15, 60)
# An appointment reminder wakes at least this often to notice appointments added since.
APPOINTMENT_RECHECK = dt.timedelta(hours=1)
APPOINTMENT_HORIZON = dt.timedelta(days=62)
REMINDER_TTL = 4 * 3600  # a reminder still undelivered after 4 hours is not worth showing
NOTICE_TTL = 12 * 3600
# Where each reminder leads (the person's own language).
KIND_PAGES = {
    Kind.CHECKIN: "recovery:checkin",
    Kind.DOSE: "recovery:today",
    Kind.APPOINTMENT: "recovery:appointments",
    Kind.BARC: "recovery:barc",
    Kind.GOALS: "recovery:goals",
}
_ROW_FIELDS = [
    "next_send_at",
    "occurrence",
    "last_occurrence",
    "event_key",
    "snoozed",
    "attempts",
    "pending_targets",
    "last_sent_at",
    "time_zone",
    "claim",
]


@dataclass
class TickReport:
    claimed: int = 0
    sent: int = 0  # occurrences delivered to at least one target
    deliveries: int = 0  # messages handed to a push service or the mail server
    skipped: int = 0  # due but not needed (already checked in, nothing due, stale, no target)
    retried: int = 0
    gave_up: int = 0
    released: int = 0  # handed back unsent near the end of the lease
    subscriptions_removed: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


# --- Claiming and finishing -------------------------------------------------------------------


def claim(model: type[models.Model], *, now: dt.datetime, token: uuid.UUID, limit: int) -> list[Any]:
    """Claims up to `limit` due rows of `model` for this consumer (see the module docstring)."""
    with transaction.atomic():
        due = model.objects.filter(next_send_at__lte=now).order_by("next_send_at", "pk")  # type: ignore[attr-defined]
        ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        model.objects.filter(pk__in=ids, next_send_at__lte=now).update(  # type: ignore[attr-defined]
            claim=token, next_send_at=timezone.now() + LEASE
        )
    return list(model.objects.filter(claim=token).select_related("user"))  # type: ignore[attr-defined]


def _concrete(name: str) -> models.Field[Any, Any]:
    field = Reminder._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(name)
    return field


def _finish_reminders(rows: Sequence[Reminder], token: uuid.UUID) -> int:
    """Writes the rows' new state, each only while it still carries `token` (one prepared
    UPDATE run for every row: far cheaper than an ORM bulk update's CASE expressions)."""
    if not rows:
        return 0
    fields = [_concrete(name) for name in _ROW_FIELDS if name != "claim"]
    claim_field = _concrete("claim")
    quote = connection.ops.quote_name
    # Table and column names from the model, never from input; every value is a parameter.
    sql = (
        f"UPDATE {quote(Reminder._meta.db_table)} SET "  # noqa: S608
        + ", ".join(f"{quote(field.column)} = %s" for field in fields)
        + f", {quote(claim_field.column)} = NULL WHERE {quote('id')} = %s AND {quote(claim_field.column)} = %s"
    )
    claim = claim_field.get_db_prep_value(token, connection)
    params = [
        [field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields] + [row.pk, claim]
        for row in rows
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, params)
        return max(0, int(cursor.rowcount))


def _release(model: type[models.Model], pks: Iterable[int], token: uuid.UUID, *, now: dt.datetime) -> int:
    """Hands rows back unsent: due again at once, for any consumer."""
    return int(
        model.objects.filter(pk__in=list(pks), claim=token).update(  # type: ignore[attr-defined]
            claim=None, next_send_at=now
        )
    )


# --- What each person's reminders need from recovery, looked up once per batch --------------


class _People:
    def __init__(self, rows: Sequence[Any]) -> None:
        user_ids = {row.user_id for row in rows}
        self.settings = {s.user_id: s for s in ReminderSettings.objects.filter(user_id__in=user_ids)}
        self.subscriptions: dict[int, list[PushSubscription]] = defaultdict(list)
        for subscription in PushSubscription.objects.filter(user_id__in=user_ids):
            self.subscriptions[subscription.user_id].append(subscription)
        self._profiles: dict[int, Any] = {}
        checkin_users = [row.user_id for row in rows if getattr(row, "kind", "") == Kind.CHECKIN]
        self.last_checkin = sources.last_checkins(user_ids=checkin_users) if checkin_users else {}
        self.gone: set[int] = set()
        self.ok: set[int] = set()

    def profile(self, user: Any) -> Any:
        if user.pk not in self._profiles:
            self._profiles[user.pk] = sources.profile(user=user)
        return self._profiles[user.pk]

    def zone_name(self, user: Any) -> str:
        profile = self.profile(user)
        return str(getattr(profile, "time_zone", "") or settings.TIME_ZONE)

    def targets(self, user_id: int) -> list[str]:
        preference = self.settings.get(user_id)
        if preference is None:
            return []
        found = []
        if preference.uses_push:
            found += [f"push:{s.pk}" for s in self.subscriptions.get(user_id, []) if s.pk not in self.gone]
        if preference.uses_email and preference.email:
            found.append("email")
        return found

    def finish(self) -> int:
        """Removes subscriptions the push service called gone; notes the ones that worked."""
        if self.ok:
            PushSubscription.objects.filter(pk__in=self.ok).update(last_ok_at=timezone.now())
        if not self.gone:
            return 0
        removed, _ = PushSubscription.objects.filter(pk__in=self.gone).delete()
        return int(removed)


# --- Sending one message to a person's targets ------------------------------------------------


@functools.cache
def _page_url(name: str, language: str) -> str:
    try:
        with translation.override(language):
            return reverse(name)
    except NoReverseMatch:
        return "/"


@functools.cache
def _snooze_url_pattern(language: str) -> str:
    with translation.override(language):
        return reverse("reminders:snooze", kwargs={"reminder_id": 987654321})


@functools.cache
def _icon(discreet: bool) -> str:
    return static("core/icons/notes.svg" if discreet else "core/icons/waypoint.svg")


def _payload(message: texts.Message, *, url: str, tag: str, snooze: str | None, language: str) -> bytes:
    icon = _icon(message.discreet)
    data: dict[str, Any] = {"title": message.title, "body": message.body, "url": url, "tag": tag, "icon": icon}
    if snooze:
        with translation.override(language):
            data["snooze"] = {"url": snooze, "label": _("Remind me later")}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _send_email(preference: ReminderSettings, message: texts.Message, url: str) -> bool:
    """True when the mail server took it. Discreet e-mails link only to the site's front page."""
    origin = preference.origin.rstrip("/")
    link = f"{origin}/" if message.discreet else f"{origin}{url}"
    subject = message.body if message.discreet else f"Waypoint: {message.body}"
    footer = texts.email_footer(discreet=message.discreet, language=preference.language)
    body = f"{message.body}\n\n{link}\n\n-- \n{footer}\n" if origin else f"{message.body}\n\n-- \n{footer}\n"
    try:
        EmailMessage(subject=subject, body=body, to=[str(preference.email)]).send()
    except Exception:
        # Never the address in a log line.
        logger.info("reminder e-mail not sent; will retry", exc_info=False)
        return False
    return True


def _deliver(
    people: _People,
    user_id: int,
    targets: list[str],
    message: texts.Message,
    *,
    url: str,
    tag: str,
    ttl: int,
    urgency: str,
    snooze: str | None,
    report: TickReport,
) -> tuple[list[str], bool]:
    """Sends to each target; returns (targets to try again, whether any was reached)."""
    preference = people.settings[user_id]
    by_id = {f"push:{s.pk}": s for s in people.subscriptions.get(user_id, [])}
    payload = _payload(message, url=url, tag=tag, snooze=snooze, language=preference.language) if by_id else b""
    sender = push.get_sender()
    failed: list[str] = []
    reached = False
    for target in targets:
        if target == "email":
            if _send_email(preference, message, url):
                reached = True
                report.deliveries += 1
            else:
                failed.append(target)
            continue
        subscription = by_id.get(target)
        if subscription is None or subscription.pk in people.gone:
            continue  # removed since: nothing to reach
        result = sender.send(
            push.Target(endpoint=subscription.endpoint, p256dh=subscription.p256dh, auth=subscription.auth),
            payload,
            ttl=ttl,
            urgency=urgency,
            topic=tag,
        )
        if result.ok:
            reached = True
            report.deliveries += 1
            people.ok.add(subscription.pk)
        elif result.gone:
            people.gone.add(subscription.pk)
        elif result.retry:
            failed.append(target)
        else:
            logger.warning("push refused with %s; not retried", result.status)
    return failed, reached


# --- Reminders ------------------------------------------------------------------------------------


@dataclass
class _Plan:
    send: bool
    values: dict[str, Any] = field(default_factory=dict)
    event_key: str | None = None  # None: keep the row's
    next_occurrence: dt.datetime | None = None  # the next regular occurrence (None: none)
    disable: bool = False  # the reminder no longer applies (a dose time removed)
    reschedule_only: bool = False  # nothing was due after all (the zone changed): just move it


def _local_date(moment: dt.datetime, zone: ZoneInfo) -> dt.date:
    return moment.astimezone(zone).date()


def _daily_plan(row: Reminder, people: _People, zone: ZoneInfo, zone_name: str, now: dt.datetime) -> _Plan:
    if row.local_time is None:
        return _Plan(send=False, disable=True)  # a daily reminder without its time: nothing to do
    occurrence = row.occurrence or now
    if row.time_zone != zone_name:
        # The person's time zone changed since this was scheduled: their local time, in the new zone.
        after = row.last_occurrence or (now - dt.timedelta(days=1))
        moved = schedule.next_daily(row.local_time, zone, after=after)
        if moved > now:
            return _Plan(send=False, next_occurrence=moved, reschedule_only=True)
        occurrence = moved
    following = schedule.next_daily(row.local_time, zone, after=max(occurrence, now))
    preference = people.settings[row.user_id]
    planned_send = schedule.after_quiet_hours(occurrence, zone, preference.quiet_start, preference.quiet_end)
    if row.attempts == 0 and now - planned_send > STALE:
        return _Plan(send=False, next_occurrence=following)  # missed while the server was down
    day = _local_date(occurrence, zone)
    user = row.user
    if row.kind == Kind.CHECKIN:
        return _Plan(send=people.last_checkin.get(row.user_id) != day, next_occurrence=following)
    if row.kind == Kind.DOSE:
        profile = people.profile(user)
        dose = row.local_time.strftime("%H:%M")
        if profile is None or not profile.has_medication or dose not in (profile.dose_times or []):
            return _Plan(send=False, disable=True)
        tapered = profile.taper_end_date is not None and day > profile.taper_end_date
        return _Plan(send=not tapered, values={"time": row.local_time}, next_occurrence=following)
    if row.kind == Kind.BARC:
        due = sources.barc_due_on(user=user)
        send = due is not None and due <= day and row.event_key != due.isoformat()
        return _Plan(send=send, event_key=due.isoformat() if send and due else None, next_occurrence=following)
    if row.kind == Kind.GOALS:
        goals = sources.goals_due(user=user, day=day)
        values: dict[str, Any] = {"count": len(goals)}
        if goals and preference.wording == Wording.PLAIN:
            values["title"] = goals[0].title
        send = bool(goals) and row.event_key != day.isoformat()
        return _Plan(send=send, values=values, event_key=day.isoformat() if send else None, next_occurrence=following)
    raise ValueError(f"not a daily reminder: {row.kind}")


def _appointment_plan(row: Reminder, people: _People, now: dt.datetime) -> _Plan:
    lead = dt.timedelta(minutes=row.lead_minutes or 60)
    upcoming = sources.appointments_between(user=row.user, start=now, end=now + APPOINTMENT_HORIZON)
    cursor = dt.datetime.fromisoformat(row.event_key) if row.event_key else None
    fresh = [a for a in upcoming if cursor is None or a.starts_at > cursor]
    due = [a for a in fresh if a.starts_at - lead <= now]
    later = [a for a in fresh if a.starts_at - lead > now]
    wake = now + APPOINTMENT_RECHECK
    if later:
        wake = min(wake, later[0].starts_at - lead)
    if not due:
        return _Plan(send=False, next_occurrence=wake)
    first = due[0]
    local = first.starts_at.astimezone(schedule.zone_of(first.time_zone, settings.TIME_ZONE))
    values: dict[str, Any] = {"time": local.time().replace(tzinfo=None)}
    if people.settings[row.user_id].wording == Wording.PLAIN:
        values["title"] = first.title
    return _Plan(send=True, values=values, event_key=due[-1].starts_at.isoformat(), next_occurrence=wake)


def _snoozed_plan(row: Reminder, people: _People, zone: ZoneInfo, now: dt.datetime) -> _Plan:
    """The person asked to be reminded again: repeat the last reminder (unless what it was
    about is done or gone), then return to the regular schedule."""
    plain = people.settings[row.user_id].wording == Wording.PLAIN
    today = _local_date(now, zone)
    back = _Plan(send=False, next_occurrence=row.occurrence)
    if row.kind == Kind.CHECKIN:
        return _Plan(send=people.last_checkin.get(row.user_id) != today, next_occurrence=row.occurrence)
    if row.kind == Kind.DOSE:
        return _Plan(send=True, values={"time": row.local_time}, next_occurrence=row.occurrence)
    if row.kind == Kind.GOALS:
        goals = sources.goals_due(user=row.user, day=today)
        values: dict[str, Any] = {"count": len(goals), "title": goals[0].title if goals and plain else ""}
        return _Plan(send=bool(goals), values=values, next_occurrence=row.occurrence) if goals else back
    if row.kind == Kind.APPOINTMENT and row.event_key:
        at = dt.datetime.fromisoformat(row.event_key)
        found = sources.appointments_between(user=row.user, start=at, end=at + dt.timedelta(seconds=1))
        if not found or found[0].starts_at <= now:
            return back
        local = found[0].starts_at.astimezone(schedule.zone_of(found[0].time_zone, settings.TIME_ZONE))
        values = {"time": local.time().replace(tzinfo=None), "title": found[0].title if plain else ""}
        return _Plan(send=True, values=values, next_occurrence=row.occurrence)
    if row.kind == Kind.BARC:
        return _Plan(send=True, next_occurrence=row.occurrence)
    return back


def _snooze_url(row: Reminder, language: str) -> str:
    return _snooze_url_pattern(language).replace("987654321", str(row.pk))


def _reminder(row: Reminder, people: _People, now: dt.datetime, report: TickReport) -> None:
    """Decides, sends and sets the row's next state (in memory; written by the caller)."""
    preference = people.settings.get(row.user_id)
    if preference is None or not row.user.is_active:
        row.next_send_at = None
        report.skipped += 1
        return
    zone_name = people.zone_name(row.user)
    zone = schedule.zone_of(zone_name, settings.TIME_ZONE)
    quiet = (preference.quiet_start, preference.quiet_end)
    if row.snoozed:
        plan = _snoozed_plan(row, people, zone, now)
    elif row.kind == Kind.APPOINTMENT:
        plan = _appointment_plan(row, people, now)
    else:
        plan = _daily_plan(row, people, zone, zone_name, now)
    row.time_zone = zone_name
    if plan.disable:
        row.next_send_at = None
        row.occurrence = None
        report.skipped += 1
        return
    if plan.reschedule_only:
        row.occurrence = plan.next_occurrence
        row.next_send_at = schedule.after_quiet_hours(plan.next_occurrence, zone, *quiet)  # type: ignore[arg-type]
        return
    if plan.send and schedule.in_quiet_hours(now.astimezone(zone).time().replace(tzinfo=None), *quiet):
        # Quiet hours began since this was scheduled (or a retry or snooze fell in them): wait.
        row.next_send_at = schedule.after_quiet_hours(now, zone, *quiet)
        return
    targets = row.pending_targets or people.targets(row.user_id)
    failed: list[str] = []
    if plan.send and targets:
        message = texts.reminder_message(
            row.kind, wording=preference.wording, language=preference.language, values=plan.values
        )
        failed, reached = _deliver(
            people,
            row.user_id,
            list(targets),
            message,
            url=_page_url(KIND_PAGES[Kind(row.kind)], preference.language),
            tag=f"wp-r{row.pk}",
            ttl=REMINDER_TTL,
            urgency="high" if row.kind == Kind.DOSE else "normal",
            snooze=_snooze_url(row, preference.language),
            report=report,
        )
        if reached:
            row.last_sent_at = now
        if failed and row.attempts < len(RETRY_MINUTES):
            row.next_send_at = now + dt.timedelta(minutes=RETRY_MINUTES[row.attempts])
            row.attempts += 1
            row.pending_targets = failed
            report.retried += 1
            return
        if failed:
            report.gave_up += 1
        if reached:
            report.sent += 1
    else:
        report.skipped += 1
    # Done with this occurrence (or this snooze): on to the next one.
    if plan.event_key is not None:
        row.event_key = plan.event_key
    if row.snoozed:
        row.snoozed = False
    elif row.kind != Kind.APPOINTMENT:
        row.last_occurrence = row.occurrence
        row.occurrence = plan.next_occurrence
    else:
        row.occurrence = plan.next_occurrence
    row.attempts = 0
    row.pending_targets = []
    upcoming = row.occurrence if row.occurrence is not None else now + APPOINTMENT_RECHECK
    row.next_send_at = max(schedule.after_quiet_hours(upcoming, zone, *quiet), now + dt.timedelta(seconds=1))


def _reminders(rows: list[Reminder], token: uuid.UUID, now: dt.datetime, report: TickReport) -> None:
    people = _People(rows)
    started = time.monotonic()
    budget = (LEASE - LEASE_MARGIN).total_seconds()
    done: list[Reminder] = []
    for index, row in enumerate(rows):
        if time.monotonic() - started > budget:
            report.released += _release(Reminder, [r.pk for r in rows[index:]], token, now=now)
            break
        try:
            _reminder(row, people, now, report)
        except Exception:
            # One person's broken row must not stop everyone else's reminders: it is
            # tried again after its lease, and logged without anything personal.
            logger.exception("reminder %s could not be processed", row.pk)
            continue
        done.append(row)
        if len(done) >= FINISH_EVERY:
            _finish_reminders(done, token)
            done = []
    _finish_reminders(done, token)
    report.subscriptions_removed += people.finish()


# --- Notices (notify_send, "send me a test") --------------------------------------------------------


def _notices(rows: list[Notice], token: uuid.UUID, now: dt.datetime, report: TickReport) -> None:
    people = _People(rows)
    finished: list[int] = []
    for notice in rows:
        preference = people.settings.get(notice.user_id)
        if preference is None or not notice.user.is_active or now >= notice.expires_at:
            finished.append(notice.pk)
            report.skipped += 1
            continue
        zone = schedule.zone_of(people.zone_name(notice.user), settings.TIME_ZONE)
        quiet = (preference.quiet_start, preference.quiet_end)
        if notice.kind != texts.TEST and schedule.in_quiet_hours(
            now.astimezone(zone).time().replace(tzinfo=None), *quiet
        ):
            later = schedule.after_quiet_hours(now, zone, *quiet)
            if later >= notice.expires_at:
                finished.append(notice.pk)
                report.skipped += 1
            else:
                Notice.objects.filter(pk=notice.pk, claim=token).update(next_send_at=later, claim=None)
            continue
        targets = notice.pending_targets or people.targets(notice.user_id)
        if not targets:
            finished.append(notice.pk)
            report.skipped += 1
            continue
        message = texts.notice_message(
            wording=preference.wording,
            language=preference.language,
            discreet_text=str(notice.discreet_text),
            plain_text=str(notice.plain_text),
        )
        ttl = max(60, min(NOTICE_TTL, int((notice.expires_at - now).total_seconds())))
        failed, reached = _deliver(
            people,
            notice.user_id,
            list(targets),
            message,
            url=notice.url or "/",
            tag=f"wp-n{notice.pk}",
            ttl=ttl,
            urgency="high",
            snooze=None,
            report=report,
        )
        if failed and notice.attempts < len(RETRY_MINUTES):
            Notice.objects.filter(pk=notice.pk, claim=token).update(
                claim=None,
                attempts=notice.attempts + 1,
                pending_targets=failed,
                next_send_at=now + dt.timedelta(minutes=RETRY_MINUTES[notice.attempts]),
            )
            report.retried += 1
            continue
        if failed:
            report.gave_up += 1
        if reached:
            report.sent += 1
        finished.append(notice.pk)
    # Sent (or given up): nothing is kept.
    Notice.objects.filter(pk__in=finished, claim=token).delete()
    report.subscriptions_removed += people.finish()


# --- The tick ---------------------------------------------------------------------------------------


def tick(*, now: dt.datetime | None = None, batch: int = CLAIM_BATCH, notices_only: bool = False) -> TickReport:
    """Sends everything due at `now` (default: now), batch by batch, until nothing is due.
    Safe to run in several consumers at once."""
    now = now or timezone.now()
    report = TickReport()
    kinds: list[type[models.Model]] = [Notice] if notices_only else [Notice, Reminder]
    for model in kinds:
        while True:
            token = uuid.uuid4()
            rows = claim(model, now=now, token=token, limit=batch)
            if not rows:
                break
            report.claimed += len(rows)
            if model is Reminder:
                _reminders(rows, token, now, report)
            else:
                _notices(rows, token, now, report)
    return report
