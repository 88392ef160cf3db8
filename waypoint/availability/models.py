"""Who speaks for a facility on Waypoint, what they did, and what they say about today.

- ``FacilityStaff``: a person's request to manage a facility's listing and, once an
  operator has checked it (by calling the listing's own phone number) and approved it, their
  staff membership. Several per facility; some are the facility's admins, who may remove
  the others. The real name, role, work phone and work e-mail asked here are a *work*
  identity: the only place Waypoint asks for a real name, and never shown to the public.
- ``StaffAction``: the audit log. Every staff and operator action on a facility: who, what,
  when; never anything about the people who ask to be called (no name, no health word).
- ``Availability``: one row per facility, the latest update (taking new clients today?
  same-day starts? walk-in hours, a short note). It ages by the rules in ``rules.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from waypoint.directory.models import Facility

from . import rules


class FacilityStaff(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("waiting for approval")
        ACTIVE = "active", _("active")
        DECLINED = "declined", _("declined")
        REMOVED = "removed", _("removed")

    class Verification(models.TextChoices):
        LISTING_PHONE = "listing-phone", _("Called the phone number on the listing")
        LISTING_WEBSITE = "listing-website", _("Checked against the listing's own website")
        IN_PERSON = "in-person", _("Met in person at the facility")
        OTHER = "other", _("Other (say how in the note)")

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="facility_staff")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    # The work identity, given by the person when they ask (see the module docstring).
    full_name = models.CharField(_("your name"), max_length=100)
    role = models.CharField(_("your role"), max_length=100)
    work_phone = models.CharField(_("work phone"), max_length=40)
    work_email = models.EmailField(_("work e-mail"))
    # The language of their e-mails (the page's language when they asked).
    language = models.CharField(max_length=8, default="en")
    # A facility admin may remove other staff of the same facility.
    is_admin = models.BooleanField(_("facility admin"), default=False)
    notify_by_email = models.BooleanField(default=True)
    # The last "a new request is waiting" e-mail: at most one per NOTIFY_QUIET_MINUTES.
    notified_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    # How the operator checked that the person really works there, recorded when they did.
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verification_method = models.CharField(max_length=20, choices=Verification.choices, blank=True)
    verification_note = models.CharField(max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "facility staff member"
        verbose_name_plural = "facility staff"
        ordering = ["facility_id", "full_name", "id"]
        constraints = [
            # One live row per person and facility; a declined or removed person may ask again.
            models.UniqueConstraint(
                fields=["facility", "user"],
                condition=Q(status__in=["requested", "active"]),
                name="availability_staff_one_live_row",
            ),
        ]
        indexes = [models.Index(fields=["user", "status"]), models.Index(fields=["facility", "status"])]

    def __str__(self) -> str:
        return f"staff {self.pk} of facility {self.facility_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class StaffAction(models.Model):
    """One line of a facility's audit log. ``actor_label`` is the work name at the time, or a
    stable pseudonym once the person deleted their account (``mydata.staff_delete``)."""

    class Action(models.TextChoices):
        REQUESTED = "staff.requested", _("asked to manage the listing")
        VERIFIED = "staff.verified", _("checked who they are")
        APPROVED = "staff.approved", _("approved as staff")
        DECLINED = "staff.declined", _("declined the request")
        REMOVED = "staff.removed", _("removed from the staff")
        LEFT = "staff.left", _("left the staff")
        ADMIN = "staff.admin", _("changed who is a facility admin")
        NOTICES = "staff.notices", _("changed their e-mail notices")
        AVAILABILITY = "availability.updated", _("updated today's availability")
        HANDOFF_OPENED = "handoff.opened", _("opened a request")
        HANDOFF_STATUS = "handoff.status", _("changed a request's status")

    class ActorKind(models.TextChoices):
        STAFF = "staff", _("facility staff")
        OPERATOR = "operator", _("Waypoint operator")
        PERSON = "person", _("someone asking to be staff")

    facility = models.ForeignKey(Facility, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Kept when the directory drops the place: the log still says which one it was.
    facility_label = models.CharField(max_length=250, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    actor_kind = models.CharField(max_length=10, choices=ActorKind.choices)
    action = models.CharField(max_length=30, choices=Action.choices)
    # What it was done to ("request 12", "staff 3") and how, in words with no personal data.
    target = models.CharField(max_length=60, blank=True)
    detail = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["facility", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label}: {self.action} {self.target}"


class Availability(models.Model):
    """The latest word from a facility's staff about today. Updated in place; every update
    is also a line in the audit log."""

    class NewClients(models.TextChoices):
        YES = "yes", _("Yes, today")
        WAITLIST = "waitlist", _("Waitlist")
        NO = "no", _("No")

    # The directory's search joins this row by its relation name ("availability").
    facility = models.OneToOneField(Facility, on_delete=models.CASCADE, related_name="availability", primary_key=True)
    new_clients = models.CharField(max_length=10, choices=NewClients.choices)
    wait_days = models.PositiveSmallIntegerField(null=True, blank=True)
    same_day_methadone = models.BooleanField(default=False)
    same_day_buprenorphine = models.BooleanField(default=False)
    walk_in_hours = models.CharField(max_length=rules.HOURS_MAX_CHARS, blank=True)
    note = models.CharField(max_length=rules.NOTE_MAX_CHARS, blank=True)
    updated_at = models.DateTimeField(db_index=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # rules.soon_days(), kept on the row so that "can see me soon" is one indexed test
    # inside the locator's one candidate query.
    soon_days = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name_plural = "availability"
        indexes = [models.Index(fields=["updated_at", "soon_days"], name="availability_fresh_soon")]
        constraints = [
            models.CheckConstraint(
                condition=Q(wait_days__isnull=True) | Q(wait_days__lte=rules.WAIT_MAX_DAYS),
                name="availability_wait_days_range",
            ),
        ]

    def __str__(self) -> str:
        return f"availability of facility {self.facility_id}"
