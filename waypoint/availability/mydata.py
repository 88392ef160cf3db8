"""Facility staff in "My data": the person's staff profiles (their work identity) and the
audit lines they wrote, exported; deleted with the account.

On deletion the staff rows go, and in each facility's audit log the person's name is
replaced by a stable pseudonym ("former staff member 3f9a2c1e"): the log keeps saying that
the same (now unnamed) person did those things, which the facility needs for its records,
without naming them. The availability they set stays (it is the facility's, not theirs);
the link to their account is cleared. The requests their facility received stay with the
facility (waypoint/handoff): they were never this person's data.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from waypoint.core import userdata

from .models import Availability, FacilityStaff, StaffAction


def register_all() -> None:
    userdata.register(
        key="availability.staff",
        label=_("Your facility staff profile"),
        exporter=staff_export,
        deleter=staff_delete,
    )


def staff_pseudonym(user_id: int) -> str:
    """The same words for the same person in every log line, which say nothing about who."""
    digest = salted_hmac("waypoint.availability.pseudonym", str(user_id), secret=settings.SECRET_KEY).hexdigest()
    return f"former staff member {digest[:8]}"


def staff_export(*, user: Any) -> dict[str, Any]:
    rows = FacilityStaff.objects.filter(user=user).select_related("facility").order_by("requested_at", "id")
    actions = StaffAction.objects.filter(actor=user).order_by("at", "id")
    if not rows.exists() and not actions.exists():
        return {}
    return {
        "profiles": [
            {
                "facility": row.facility.name,
                "facility_id": row.facility_id,
                "status": row.status,
                "name": row.full_name,
                "role": row.role,
                "work_phone": row.work_phone,
                "work_email": row.work_email,
                "facility_admin": row.is_admin,
                "email_notices": row.notify_by_email,
                "asked_at": row.requested_at.isoformat(),
                "decided_at": row.decided_at.isoformat() if row.decided_at else None,
                "ended_at": row.ended_at.isoformat() if row.ended_at else None,
            }
            for row in rows
        ],
        "log": [
            {
                "at": a.at.isoformat(),
                "facility": a.facility_label,
                "action": a.action,
                "target": a.target,
                "detail": a.detail,
            }
            for a in actions
        ],
    }


def staff_delete(*, user: Any) -> int:
    """Deletes the person's staff rows and unnames them in the audit logs; returns the rows deleted."""
    with transaction.atomic():
        StaffAction.objects.filter(actor=user).update(actor=None, actor_label=staff_pseudonym(user.pk))
        Availability.objects.filter(updated_by=user).update(updated_by=None)
        deleted, _by_model = FacilityStaff.objects.filter(user=user).delete()
    return int(deleted)
