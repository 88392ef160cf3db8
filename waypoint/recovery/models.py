"""What the recovery companion stores about a person.

Recovery time (days in recovery, stretches) is never stored: it is computed from the start
date and the lapses every time it is shown (``waypoint.recovery.recoverytime``), so it can
never drift from the facts. The only derived rows kept are reached milestones, on purpose:
a milestone once reached is a fact with a date, never taken away by a later lapse.

Everything a person writes in their own words is an ``EncryptedTextField`` (bound to the
row's ``row_key``): check-in notes, lapse reflections, the whole plan, support people's
names and phones, appointment titles and places, goal texts, the treatment program and
the prescriber. Choices (mood, medication kind, role) and dates stay in clear, so that
reminders, the board and insights can query them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from waypoint.core.encryption import EncryptedTextField


class MedicationKind(models.TextChoices):
    NONE = "none", _("None")
    METHADONE = "methadone", _("Methadone")
    BUPRENORPHINE = "buprenorphine", _("Buprenorphine")
    NALTREXONE = "naltrexone", _("Naltrexone")
    OTHER = "other", _("Another medication")


class Substance(models.TextChoices):
    HEROIN = "heroin", _("Heroin")
    FENTANYL = "fentanyl", _("Fentanyl")
    PILLS = "pills", _("Pain pills (prescription opioids)")
    STIMULANTS = "stimulants", _("Stimulants (meth, cocaine)")
    ALCOHOL = "alcohol", _("Alcohol")
    BENZOS = "benzos", _("Benzodiazepines")
    CANNABIS = "cannabis", _("Cannabis")
    OTHER = "other", _("Something else")


class RecoveryProfile(models.Model):
    """One per person. Only the start date is required; the time zone says when their
    days begin (local midnight)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_profile")
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    start_date = models.DateField(_("recovery start date"))
    time_zone = models.CharField(_("time zone"), max_length=64)
    substances = models.JSONField(default=list, blank=True)
    medication_kind = models.CharField(
        _("medication"), max_length=20, choices=MedicationKind.choices, default=MedicationKind.NONE
    )
    # Program (clinic) or prescriber, in the person's words.
    medication_program = EncryptedTextField(key_owner="user", null=True, blank=True)
    # Local times of day ("HH:MM"), for the today page and dose reminders.
    dose_times = models.JSONField(default=list, blank=True)
    taper_end_date = models.DateField(_("taper end date"), null=True, blank=True)
    treatment_program = EncryptedTextField(key_owner="user", null=True, blank=True)
    # Where the guided first plan stands: "" (not started), the next step's key, or "done".
    plan_flow_step = models.CharField(max_length=20, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"recovery profile {self.pk}"

    @property
    def has_medication(self) -> bool:
        return self.medication_kind != MedicationKind.NONE


class SupportRole(models.TextChoices):
    SPONSOR = "sponsor", _("Sponsor")
    PEER_COACH = "peer_coach", _("Peer coach")
    FAMILY = "family", _("Family")
    FRIEND = "friend", _("Friend")
    COUNSELLOR = "counsellor", _("Counselor")
    DOCTOR = "doctor", _("Doctor or nurse")
    OTHER = "other", _("Other")


class SupportPerson(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_people")
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = EncryptedTextField(key_owner="user")
    phone = EncryptedTextField(key_owner="user", null=True, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=SupportRole.choices, default=SupportRole.FRIEND)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"support person {self.pk}"


class Appointment(models.Model):
    """A treatment appointment: its moment in UTC and the zone it was made in, so that
    "10:00" stays 10:00 local across a DST change."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appointments")
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    starts_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64)
    title = EncryptedTextField(key_owner="user")
    place = EncryptedTextField(key_owner="user", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["user", "starts_at"])]

    def __str__(self) -> str:
        return f"appointment {self.pk}"


class PlanVersion(models.Model):
    """One saved state of the recovery plan. A save never changes a version: it adds the
    next one, so every earlier plan can still be read. The content is one encrypted JSON
    document (``waypoint.recovery.plan.PlanContent``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_versions")
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.PositiveIntegerField()
    content = EncryptedTextField(key_owner="user")
    # Which part of the plan this save changed (a step key), for the list of versions.
    changed = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["user", "number"], name="recovery_plan_version_number")]

    def __str__(self) -> str:
        return f"plan version {self.number}"


class Checkin(models.Model):
    """One per person per local date (a unique constraint, and the service updates the
    day's row). ``client_id`` is made by the client (or the server, for the form), so a
    retried or synced check-in is recognised instead of added twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins")
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client_id = models.UUIDField()
    date = models.DateField()
    mood = models.PositiveSmallIntegerField(null=True, blank=True)
    craving = models.PositiveSmallIntegerField(null=True, blank=True)
    # What the person answered; the lapse row is the fact recovery time is computed from.
    used = models.BooleanField(null=True, blank=True)
    sleep_hours = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    medication_taken = models.BooleanField(null=True, blank=True)
    meeting = models.BooleanField(null=True, blank=True)
    therapy = models.BooleanField(null=True, blank=True)
    stress = models.PositiveSmallIntegerField(null=True, blank=True)
    pain = models.PositiveSmallIntegerField(null=True, blank=True)
    # Ids of the plan's triggers met that day. Random ids say nothing; the names are in
    # the (encrypted) plan, looked up through every version so a renamed trigger keeps
    # its history.
    trigger_ids = models.JSONField(default=list, blank=True)
    note = EncryptedTextField(key_owner="user", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Not a column: whether use is recorded for this date, when the service that wrote the
    # row read it in the same statement (services.checkin_record); None when not read.
    use_on_day: bool | None = None

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["user", "date"], name="recovery_checkin_one_per_day"),
            models.UniqueConstraint(fields=["user", "client_id"], name="recovery_checkin_client_id"),
            models.CheckConstraint(
                condition=Q(mood__isnull=True) | Q(mood__gte=1, mood__lte=5), name="recovery_mood_1_5"
            ),
            models.CheckConstraint(
                condition=Q(craving__isnull=True) | Q(craving__lte=10), name="recovery_craving_0_10"
            ),
            models.CheckConstraint(condition=Q(stress__isnull=True) | Q(stress__lte=10), name="recovery_stress_0_10"),
            models.CheckConstraint(condition=Q(pain__isnull=True) | Q(pain__lte=10), name="recovery_pain_0_10"),
            models.CheckConstraint(
                condition=Q(sleep_hours__isnull=True) | Q(sleep_hours__gte=0, sleep_hours__lte=24),
                name="recovery_sleep_0_24",
            ),
        ]

    def __str__(self) -> str:
        return f"check-in {self.date}"


class Lapse(models.Model):
    """Use recorded for one day or a few days in a row (``date``..``end_date``), from a
    check-in or on its own, with an optional reflection. It removes only its own days
    from days in recovery."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lapses")
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    date = models.DateField()
    end_date = models.DateField()
    # The check-in whose "used today" made this lapse (answering "no" later removes it).
    checkin = models.ForeignKey(Checkin, null=True, blank=True, on_delete=models.SET_NULL, related_name="lapses")
    what_happened = EncryptedTextField(key_owner="user", null=True, blank=True)
    what_helped = EncryptedTextField(key_owner="user", null=True, blank=True)
    what_to_change = EncryptedTextField(key_owner="user", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["user", "date"])]
        constraints = [models.CheckConstraint(condition=Q(end_date__gte=models.F("date")), name="recovery_lapse_range")]

    def __str__(self) -> str:
        return f"lapse {self.date}"

    @property
    def day_count(self) -> int:
        return (self.end_date - self.date).days + 1

    @property
    def has_reflection(self) -> bool:
        return bool(self.what_happened or self.what_helped or self.what_to_change)


class MilestoneReached(models.Model):
    """A milestone the person reached, and the local date they reached it. Kept even when
    a lapse recorded later for an earlier date lowers days in recovery below it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="milestones")
    days = models.PositiveIntegerField()
    reached_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["days"]
        constraints = [models.UniqueConstraint(fields=["user", "days"], name="recovery_milestone_once")]

    def __str__(self) -> str:
        return f"milestone {self.days}"


class GoalState(models.TextChoices):
    ACTIVE = "active", _("Working on it")
    DONE = "done", _("Done")
    LET_GO = "let_go", _("Let go")


class Goal(models.Model):
    """A SMART goal: what (specific), how I will know (measurable), how I will make it
    doable (achievable), why it matters (relevant), by when (time-bound)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_goals")
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = EncryptedTextField(key_owner="user")
    measure = EncryptedTextField(key_owner="user", null=True, blank=True)
    achievable = EncryptedTextField(key_owner="user", null=True, blank=True)
    relevant = EncryptedTextField(key_owner="user", null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=GoalState.choices, default=GoalState.ACTIVE)
    finished_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["state", "due_date", "id"]
        indexes = [models.Index(fields=["user", "state", "due_date"])]

    def __str__(self) -> str:
        return f"goal {self.pk}"


class GoalStep(models.Model):
    """A small step toward a goal, ticked off as progress."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    # The key owner of the encrypted text (always the goal's person).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_goal_steps")
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    text = EncryptedTextField(key_owner="user")
    done = models.BooleanField(default=False)
    done_on = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"goal step {self.pk}"


class StrugglingMoment(models.Model):
    """The person pressed "I'm struggling". Private: only its time is kept (groups show
    it to a group only if the person chooses to tell them)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="struggling_moments")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"struggling {self.created_at:%Y-%m-%d %H:%M}"
