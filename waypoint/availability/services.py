"""Writes: asking to manage a listing, the operator's check and decision, removal, and the
availability update. Every one of them writes a line to the facility's audit log
(``staff_action_log``) in the same transaction.

Who may do what is checked here as well as in the views (a service is also called by the
admin and the API): the operator functions take the operator, the facility-side ones take
the caller's own ``FacilityStaff`` row, which only ``selectors.facility_staff_for`` hands out.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waypoint.directory.models import Facility

from . import rules
from .models import Availability, FacilityStaff, StaffAction

# Requests one person may have waiting at once (across facilities): enough for someone who
# works at a few sites, too few to flood the operator's queue.
MAX_WAITING_REQUESTS = 5
_SPACES = re.compile(r"\s+")


def plain_line(text: str | None, *, max_chars: int) -> str:
    """One line of plain text: control and format characters removed, runs of spaces and
    line breaks made one space, trimmed, and cut to `max_chars`."""
    cleaned = "".join(
        " " if ch.isspace() else ch for ch in (text or "") if unicodedata.category(ch)[0] != "C" or ch.isspace()
    )
    return _SPACES.sub(" ", cleaned).strip()[:max_chars]


def staff_label(staff: FacilityStaff) -> str:
    return f"{staff.full_name} ({staff.role})"[:150]


def staff_action_log(
    *,
    facility: Facility | None,
    actor: Any,
    actor_label: str,
    actor_kind: str,
    action: str,
    target: str = "",
    detail: str = "",
    at: datetime | None = None,
) -> StaffAction:
    """One audit line. Callers pass words about *what* was done, never about the people
    who asked to be called (no names, no phone numbers, nothing about health)."""
    entry = StaffAction(
        facility=facility,
        facility_label=(f"{facility.name} (facility {facility.pk})" if facility else "")[:250],
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label[:150],
        actor_kind=actor_kind,
        action=action,
        target=target[:60],
        detail=detail[:200],
        at=at or timezone.now(),
    )
    entry.full_clean(exclude=["facility", "actor"])
    entry.save()
    return entry


def _operator_label(operator: Any) -> str:
    return f"operator {operator.get_username()}"


# --- Asking, checking, deciding --------------------------------------------------------------


def staff_request_create(
    *,
    user: Any,
    facility_id: int,
    full_name: str,
    role: str,
    work_phone: str,
    work_email: str,
    language: str = "en",
) -> FacilityStaff:
    """Someone asks to manage a facility's listing. Waits for an operator to check and approve."""
    facility = Facility.objects.filter(pk=facility_id).first()
    if facility is None:
        raise ValidationError(_("We could not find that place."))
    live = FacilityStaff.objects.filter(
        user=user, status__in=[FacilityStaff.Status.REQUESTED, FacilityStaff.Status.ACTIVE]
    )
    if live.filter(facility=facility).exists():
        raise ValidationError(_("You have already asked to manage this listing, or you already do."))
    if live.filter(status=FacilityStaff.Status.REQUESTED).count() >= MAX_WAITING_REQUESTS:
        raise ValidationError(_("You have several requests waiting. Please wait until we have checked them."))
    staff = FacilityStaff(
        facility=facility,
        user=user,
        full_name=plain_line(full_name, max_chars=100),
        role=plain_line(role, max_chars=100),
        work_phone=plain_line(work_phone, max_chars=40),
        work_email=work_email.strip(),
        language=language[:8] or "en",
    )
    staff.full_clean()
    with transaction.atomic():
        staff.save()
        staff_action_log(
            facility=facility,
            actor=user,
            actor_label=staff_label(staff),
            actor_kind=StaffAction.ActorKind.PERSON,
            action=StaffAction.Action.REQUESTED,
            target=f"staff {staff.pk}",
        )
        transaction.on_commit(_tell_operator)
    return staff


def _tell_operator() -> None:
    from .tasks import staff_request_notice

    staff_request_notice()


def _waiting(staff_id: int) -> FacilityStaff:
    staff = FacilityStaff.objects.select_related("facility").filter(pk=staff_id).first()
    if staff is None or staff.status != FacilityStaff.Status.REQUESTED:
        raise ValidationError("This request is not waiting for a decision.")
    return staff


def staff_request_verify(*, operator: Any, staff_id: int, method: str, note: str = "") -> FacilityStaff:
    """Records how the operator checked that the person works at the facility: who, when, how."""
    with transaction.atomic():
        staff = _waiting(staff_id)
        staff.verification_method = method
        staff.verification_note = plain_line(note, max_chars=200)
        staff.verified_by = operator
        staff.verified_at = timezone.now()
        staff.full_clean()
        if not staff.verification_method:
            raise ValidationError("Say how you checked.")
        staff.save(update_fields=["verification_method", "verification_note", "verified_by", "verified_at"])
        staff_action_log(
            facility=staff.facility,
            actor=operator,
            actor_label=_operator_label(operator),
            actor_kind=StaffAction.ActorKind.OPERATOR,
            action=StaffAction.Action.VERIFIED,
            target=f"staff {staff.pk}",
            detail=staff.get_verification_method_display(),
        )
    return staff


def staff_request_approve(*, operator: Any, staff_id: int) -> FacilityStaff:
    """Approves a checked request. The first active staff member of a facility becomes its
    admin (who can then remove others); the operator can change that in the admin."""
    with transaction.atomic():
        staff = _waiting(staff_id)
        if staff.verified_at is None:
            raise ValidationError("Check who they are first (call the listing's own phone number), then approve.")
        has_admin = FacilityStaff.objects.filter(
            facility_id=staff.facility_id, status=FacilityStaff.Status.ACTIVE, is_admin=True
        ).exists()
        staff.status = FacilityStaff.Status.ACTIVE
        staff.is_admin = staff.is_admin or not has_admin
        staff.decided_by = operator
        staff.decided_at = timezone.now()
        staff.save(update_fields=["status", "is_admin", "decided_by", "decided_at"])
        staff_action_log(
            facility=staff.facility,
            actor=operator,
            actor_label=_operator_label(operator),
            actor_kind=StaffAction.ActorKind.OPERATOR,
            action=StaffAction.Action.APPROVED,
            target=f"staff {staff.pk}",
            detail="facility admin" if staff.is_admin else "",
        )
    return staff


def staff_request_decline(*, operator: Any, staff_id: int) -> FacilityStaff:
    with transaction.atomic():
        staff = _waiting(staff_id)
        staff.status = FacilityStaff.Status.DECLINED
        staff.decided_by = operator
        staff.decided_at = staff.ended_at = timezone.now()
        staff.save(update_fields=["status", "decided_by", "decided_at", "ended_at"])
        staff_action_log(
            facility=staff.facility,
            actor=operator,
            actor_label=_operator_label(operator),
            actor_kind=StaffAction.ActorKind.OPERATOR,
            action=StaffAction.Action.DECLINED,
            target=f"staff {staff.pk}",
        )
    return staff


def staff_admin_set(*, operator: Any, staff_id: int, is_admin: bool) -> FacilityStaff:
    with transaction.atomic():
        staff = FacilityStaff.objects.select_related("facility").get(pk=staff_id)
        if staff.is_admin == is_admin:
            return staff
        staff.is_admin = is_admin
        staff.save(update_fields=["is_admin"])
        staff_action_log(
            facility=staff.facility,
            actor=operator,
            actor_label=_operator_label(operator),
            actor_kind=StaffAction.ActorKind.OPERATOR,
            action=StaffAction.Action.ADMIN,
            target=f"staff {staff.pk}",
            detail="now a facility admin" if is_admin else "no longer a facility admin",
        )
    return staff


# --- Removal ---------------------------------------------------------------------------------


def _end(staff: FacilityStaff) -> None:
    staff.status = FacilityStaff.Status.REMOVED
    staff.ended_at = timezone.now()
    staff.notify_by_email = False
    staff.save(update_fields=["status", "ended_at", "notify_by_email"])


def staff_remove_by_operator(*, operator: Any, staff_id: int) -> FacilityStaff:
    with transaction.atomic():
        staff = FacilityStaff.objects.select_related("facility").get(pk=staff_id)
        if staff.status not in {FacilityStaff.Status.ACTIVE, FacilityStaff.Status.REQUESTED}:
            return staff
        _end(staff)
        staff_action_log(
            facility=staff.facility,
            actor=operator,
            actor_label=_operator_label(operator),
            actor_kind=StaffAction.ActorKind.OPERATOR,
            action=StaffAction.Action.REMOVED,
            target=f"staff {staff.pk}",
        )
    return staff


def staff_remove(*, by: FacilityStaff, staff_id: int) -> FacilityStaff:
    """A facility admin removes a colleague, or anyone leaves (removes themselves).
    ``by`` is the caller's own active row (from ``selectors.facility_staff_for``)."""
    with transaction.atomic():
        staff = (
            FacilityStaff.objects.select_related("facility")
            .filter(pk=staff_id, facility_id=by.facility_id, status=FacilityStaff.Status.ACTIVE)
            .first()
        )
        if staff is None:
            raise ValidationError(_("That person is not on this facility's staff."))
        leaving = staff.pk == by.pk
        if not leaving and not by.is_admin:
            raise ValidationError(_("Only an admin of this place can remove someone else."))
        _end(staff)
        staff_action_log(
            facility=staff.facility,
            actor=by.user,
            actor_label=staff_label(by),
            actor_kind=StaffAction.ActorKind.STAFF,
            action=StaffAction.Action.LEFT if leaving else StaffAction.Action.REMOVED,
            target=f"staff {staff.pk}",
        )
    return staff


def staff_notices_set(*, staff: FacilityStaff, on: bool) -> FacilityStaff:
    with transaction.atomic():
        staff.notify_by_email = on
        staff.save(update_fields=["notify_by_email"])
        staff_action_log(
            facility=staff.facility,
            actor=staff.user,
            actor_label=staff_label(staff),
            actor_kind=StaffAction.ActorKind.STAFF,
            action=StaffAction.Action.NOTICES,
            target=f"staff {staff.pk}",
            detail="on" if on else "off",
        )
    return staff


# --- Availability ----------------------------------------------------------------------------


def availability_update(
    *,
    staff: FacilityStaff,
    new_clients: str,
    wait_days: int | None = None,
    same_day_methadone: bool = False,
    same_day_buprenorphine: bool = False,
    walk_in_hours: str = "",
    note: str = "",
    now: datetime | None = None,
) -> Availability:
    """Saves what the facility says about today, stamped now. A waitlist needs its typical
    wait in days; the other answers keep no wait. Text is cut to one plain line."""
    if not staff.is_active:
        raise ValidationError("Only active staff can update availability.")
    now = now or timezone.now()
    if new_clients != Availability.NewClients.WAITLIST:
        wait_days = None
    elif wait_days is None:
        raise ValidationError({"wait_days": _("Say about how many days the wait is.")})
    row = Availability(
        facility_id=staff.facility_id,
        new_clients=new_clients,
        wait_days=wait_days,
        same_day_methadone=same_day_methadone,
        same_day_buprenorphine=same_day_buprenorphine,
        walk_in_hours=plain_line(walk_in_hours, max_chars=rules.HOURS_MAX_CHARS),
        note=plain_line(note, max_chars=rules.NOTE_MAX_CHARS),
        updated_at=now,
        updated_by=staff.user,
        soon_days=rules.soon_days(new_clients=new_clients, wait_days=wait_days),
    )
    row.full_clean(exclude=["facility", "updated_by"])
    with transaction.atomic():
        row.save()
        staff_action_log(
            facility=staff.facility,
            actor=staff.user,
            actor_label=staff_label(staff),
            actor_kind=StaffAction.ActorKind.STAFF,
            action=StaffAction.Action.AVAILABILITY,
            detail=_summary(row),
            at=now,
        )
    return row


def _summary(row: Availability) -> str:
    """The update in a few plain words for the log (a note is facility text, not a client's)."""
    parts = [f"new clients: {row.new_clients}" + (f" ({row.wait_days} days)" if row.wait_days is not None else "")]
    starts = [
        name
        for name, on in (("methadone", row.same_day_methadone), ("buprenorphine", row.same_day_buprenorphine))
        if on
    ]
    if starts:
        parts.append("same-day " + " and ".join(starts))
    if row.walk_in_hours:
        parts.append("walk-in hours set")
    if row.note:
        parts.append("note set")
    return "; ".join(parts)
