"""Writes: sending a request to be called, the staff's status changes, taking it back, expiry.

Erasing (``handoff_erase``) is the one way content leaves: the request's data key is deleted
(its ciphertext is then unreadable everywhere, backups included) and every content field is
set to NULL, in one transaction, by a conditional UPDATE (``erased_at IS NULL``), so two task
consumers, or a withdrawal racing the expiry, erase it exactly once.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waypoint.availability.models import FacilityStaff, StaffAction
from waypoint.availability.selectors import facility_takes_handoffs
from waypoint.availability.services import staff_action_log, staff_label
from waypoint.core.encryption import data_key_create
from waypoint.core.models import DataKey

from . import limits
from .models import HandoffRequest
from .selectors import token_digest

CONTENT_FIELDS = ("first_name", "phone", "call_times", "call_language", "voicemail", "summary")
# What staff may set; closing also erases the content (the facility keeps its own records).
STAFF_STATUSES = {
    HandoffRequest.Status.CONTACTED,
    HandoffRequest.Status.UNREACHABLE,
    HandoffRequest.Status.CLOSED,
}


def handoff_send(
    *,
    facility_id: int,
    requester: Any,
    address: str,
    phone: str,
    first_name: str = "",
    call_times: str = "",
    call_language: str = "",
    voicemail: str = "",
    summary: str = "",
    origin: str = "",
    now: datetime | None = None,
) -> tuple[HandoffRequest, str]:
    """Stores a request for the facility's staff and returns it with its private token (shown
    to the person once; only its hash is kept). Raises ValidationError when the facility has
    no staff on Waypoint, and limits.SendRefused over the hourly limits. The facility's staff
    are told by e-mail after the commit (``tasks.handoff_notify``), with nothing but a link."""
    if not facility_takes_handoffs(facility_id=facility_id):
        raise ValidationError(_("This place does not take requests through Waypoint."))
    if not phone.strip():
        raise ValidationError({"phone": _("A phone number is needed, so they can call you.")})
    limits.send_allowed(address=address)
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        handoff = HandoffRequest(
            facility_id=facility_id,
            requester=requester if getattr(requester, "is_authenticated", False) else None,
            token_hash=token_digest(token),
            data_key=data_key_create(),
            first_name=first_name.strip() or None,
            phone=phone.strip(),
            call_times=call_times.strip() or None,
            call_language=call_language.strip() or None,
            voicemail=voicemail or None,
            summary=summary.strip() or None,
            created_at=now,
            expires_at=now + timedelta(days=settings.HANDOFF_EXPIRY_DAYS),
        )
        handoff.full_clean(exclude=["facility", "requester", "data_key", *CONTENT_FIELDS])
        handoff.save()
        transaction.on_commit(lambda: _notify(facility_id, origin))
    return handoff, token


def _notify(facility_id: int, origin: str) -> None:
    from .tasks import handoff_notify

    handoff_notify(facility_id, origin)


def handoff_opened(*, staff: FacilityStaff, handoff: HandoffRequest) -> None:
    """A staff member opened a request: the log says who and when; the first opening is
    what the person sees as "they have seen your request"."""
    now = timezone.now()
    with transaction.atomic():
        if handoff.seen_at is None:
            HandoffRequest.objects.filter(pk=handoff.pk, seen_at__isnull=True).update(seen_at=now)
            handoff.seen_at = now
        staff_action_log(
            facility=staff.facility,
            actor=staff.user,
            actor_label=staff_label(staff),
            actor_kind=StaffAction.ActorKind.STAFF,
            action=StaffAction.Action.HANDOFF_OPENED,
            target=f"request {handoff.pk}",
            at=now,
        )


def handoff_mark(*, staff: FacilityStaff, handoff: HandoffRequest, status: str) -> HandoffRequest:
    """Contacted / could not reach / closed. Closing erases the content."""
    if status not in STAFF_STATUSES:
        raise ValidationError("Unknown status.")
    if handoff.facility_id != staff.facility_id:
        raise ValidationError("Not this facility's request.")
    if not handoff.is_open:
        raise ValidationError(_("This request is already closed."))
    now = timezone.now()
    with transaction.atomic():
        if status == HandoffRequest.Status.CLOSED:
            handoff_erase(handoff_id=handoff.pk, reason=HandoffRequest.ClosedReason.DONE, now=now)
        else:
            HandoffRequest.objects.filter(pk=handoff.pk).exclude(status=HandoffRequest.Status.CLOSED).update(
                status=status, status_changed_at=now, seen_at=handoff.seen_at or now
            )
        staff_action_log(
            facility=staff.facility,
            actor=staff.user,
            actor_label=staff_label(staff),
            actor_kind=StaffAction.ActorKind.STAFF,
            action=StaffAction.Action.HANDOFF_STATUS,
            target=f"request {handoff.pk}",
            detail=status,
            at=now,
        )
    handoff.refresh_from_db()
    return handoff


def handoff_withdraw(*, handoff: HandoffRequest) -> bool:
    """The person takes their request back: its content is erased at once."""
    return handoff_erase(handoff_id=handoff.pk, reason=HandoffRequest.ClosedReason.WITHDRAWN)


def handoff_erase(*, handoff_id: int, reason: str, now: datetime | None = None) -> bool:
    """Erases a request's content and closes it; False when it was already erased."""
    now = now or timezone.now()
    with transaction.atomic():
        key_id = HandoffRequest.objects.filter(pk=handoff_id).values_list("data_key_id", flat=True).first()
        erased = HandoffRequest.objects.filter(pk=handoff_id, erased_at__isnull=True).update(
            **dict.fromkeys(CONTENT_FIELDS),
            data_key=None,
            # Who sent it is part of the content: what stays says only that a request existed.
            requester=None,
            status=HandoffRequest.Status.CLOSED,
            closed_reason=reason,
            closed_at=now,
            status_changed_at=now,
            erased_at=now,
        )
        if erased and key_id is not None:
            DataKey.objects.filter(pk=key_id, user__isnull=True).delete()
    return bool(erased)


def handoff_expire_due(*, now: datetime | None = None) -> int:
    """Erases every request past its expiry, or whose facility left the directory; returns how many."""
    now = now or timezone.now()
    count = 0
    due = HandoffRequest.objects.filter(erased_at__isnull=True, expires_at__lte=now).values_list("pk", flat=True)
    for pk in list(due):
        count += handoff_erase(handoff_id=pk, reason=HandoffRequest.ClosedReason.EXPIRED, now=now)
    orphans = HandoffRequest.objects.filter(erased_at__isnull=True, facility__isnull=True).values_list("pk", flat=True)
    for pk in list(orphans):
        count += handoff_erase(handoff_id=pk, reason=HandoffRequest.ClosedReason.FACILITY_GONE, now=now)
    return count
