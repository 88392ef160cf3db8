"""Everything a person writes in their own words is stored only as ciphertext: the raw
columns hold ``wp1:`` tokens, never the words."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from waypoint.core.crypto import DecryptionError
from waypoint.recovery import selectors, services
from waypoint.recovery.models import Checkin, Lapse, PlanVersion
from waypoint.recovery.plan import PlanContent, PlanStrategy, PlanTrigger
from waypoint.recovery.tests.conftest import checkin, make_profile

pytestmark = pytest.mark.django_db

SECRET = "Marisol-knows-about-the-blue-house"


def raw(table: str, column: str, pk: int) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - names from this test
        return cursor.fetchone()[0]


def assert_encrypted(table: str, column: str, pk: int) -> None:
    value = raw(table, column, pk)
    assert value is not None, f"{table}.{column} is empty"
    assert value.startswith("wp1:"), f"{table}.{column} is not a token"
    assert SECRET not in value
    assert "Marisol" not in value


def test_every_personal_text_column_is_ciphertext(alice):
    profile = make_profile(alice, medication_kind="methadone", medication_program=f"{SECRET} clinic",
                           treatment_program=f"{SECRET} program")  # fmt: skip
    assert_encrypted("recovery_recoveryprofile", "medication_program", profile.pk)
    assert_encrypted("recovery_recoveryprofile", "treatment_program", profile.pk)

    person = services.support_person_save(user=alice, name=f"{SECRET} sponsor", phone="555-123-4567", role="sponsor")
    assert_encrypted("recovery_supportperson", "name", person.pk)
    assert_encrypted("recovery_supportperson", "phone", person.pk)
    assert "555" not in raw("recovery_supportperson", "phone", person.pk)

    appointment = services.appointment_save(
        user=alice, day=dt.date.today(), at=dt.time(9), title=f"{SECRET} visit", place=f"{SECRET} street"
    )
    assert_encrypted("recovery_appointment", "title", appointment.pk)
    assert_encrypted("recovery_appointment", "place", appointment.pk)

    content = PlanContent(
        reasons=[f"{SECRET} reason"],
        triggers=[PlanTrigger(id="t", kind="places", name=f"{SECRET} trigger")],
        warning_signs=[f"{SECRET} sign"],
        coping=[PlanStrategy(id="c", text=f"{SECRET} coping", trigger_ids=["t"])],
        crisis_steps=[f"{SECRET} step"],
    )
    version = services.plan_save(user=alice, content=content, changed="reasons")
    assert_encrypted("recovery_planversion", "content", version.pk)

    row = checkin(alice, mood=3, note=f"{SECRET} note", trigger_ids=("t",))
    assert_encrypted("recovery_checkin", "note", row.pk)

    lapse = services.lapse_record(
        user=alice,
        first=selectors.local_today(user=alice),
        reflection=services.Reflection(
            what_happened=f"{SECRET} 1", what_helped=f"{SECRET} 2", what_to_change=f"{SECRET} 3"
        ),
    )
    for column in ("what_happened", "what_helped", "what_to_change"):
        assert_encrypted("recovery_lapse", column, lapse.pk)

    goal = services.goal_save(
        user=alice,
        text=services.GoalText(
            title=f"{SECRET} goal", measure=f"{SECRET} m", achievable=f"{SECRET} a", relevant=f"{SECRET} r"
        ),
    )
    for column in ("title", "measure", "achievable", "relevant"):
        assert_encrypted("recovery_goal", column, goal.pk)
    step = services.goal_step_add(user=alice, goal=goal, text=f"{SECRET} step")
    assert_encrypted("recovery_goalstep", "text", step.pk)

    # Read back through the models, it is the person's words again.
    assert PlanContent.from_json(PlanVersion.objects.get(pk=version.pk).content).reasons == [f"{SECRET} reason"]
    assert Checkin.objects.get(pk=row.pk).note == f"{SECRET} note"
    assert Lapse.objects.get(pk=lapse.pk).what_helped == f"{SECRET} 2"


def test_no_personal_text_appears_anywhere_in_the_tables(alice):
    """A sweep of every recovery table's raw rows for the words."""
    make_profile(alice)
    services.support_person_save(user=alice, name=SECRET, phone=None)
    checkin(alice, mood=2, note=SECRET)
    services.goal_save(user=alice, text=services.GoalText(title=SECRET))
    with connection.cursor() as cursor:
        tables = [t for t in connection.introspection.table_names(cursor) if t.startswith("recovery_")]
        for table in tables:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - table names from the database itself
            for record in cursor.fetchall():
                assert not any(SECRET in str(value) for value in record), table


def test_a_note_copied_to_another_row_does_not_decrypt(alice):
    make_profile(alice)
    today = selectors.local_today(user=alice)
    first = checkin(alice, day=today - dt.timedelta(days=1), note="first")
    second = checkin(alice, day=today, note="second")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE recovery_checkin SET note = %s WHERE id = %s",
            [raw("recovery_checkin", "note", first.pk), second.pk],
        )
    with pytest.raises(DecryptionError):
        _ = Checkin.objects.get(pk=second.pk).note
