"""URL values for the access-policy walk (waypoint/core/tests/test_access_policies.py):
alice's recovery things, with words only she may ever see as markers."""

from __future__ import annotations

import datetime as dt
from typing import Any


def samples(cast: Any) -> dict[str, Any]:
    from waypoint.recovery import selectors, services
    from waypoint.recovery.plan import PlanContent, PlanTrigger
    from waypoint.recovery.tests.conftest import checkin, make_profile

    alice = cast.alice
    make_profile(alice, days_ago=40)
    today = selectors.local_today(user=alice)
    version = services.plan_save(
        user=alice,
        content=PlanContent(
            reasons=["alice-reason-quiet-harbour"],
            triggers=[PlanTrigger(id="t1", kind="places", name="alice-trigger-red-door")],
        ),
        changed="reasons",
    )
    entry = checkin(alice, mood=2, note="alice-note-lantern-moth", trigger_ids=("t1",))
    lapse = services.lapse_record(
        user=alice,
        first=today - dt.timedelta(days=3),
        reflection=services.Reflection(what_happened="alice-reflection-cold-river"),
    )
    person = services.support_person_save(user=alice, name="alice-sponsor-Ines", phone="555-867-5309")
    appointment = services.appointment_save(
        user=alice, day=today + dt.timedelta(days=1), at=dt.time(10), title="alice-appointment-oak-clinic"
    )
    goal = services.goal_save(user=alice, text=services.GoalText(title="alice-goal-walk-the-pier"))
    cast.markers += [
        "alice-reason-quiet-harbour",
        "alice-trigger-red-door",
        "alice-note-lantern-moth",
        "alice-reflection-cold-river",
        "alice-sponsor-Ines",
        "555-867-5309",
        "alice-appointment-oak-clinic",
        "alice-goal-walk-the-pier",
    ]
    return {
        "recovery:checkin_detail": {"checkin_id": entry.pk},
        "recovery:lapse": {"lapse_id": lapse.pk},
        "recovery:lapse_delete": {"lapse_id": lapse.pk},
        "recovery:plan_step": {"step_key": "reasons"},
        "recovery:plan_version": {"version_id": version.pk},
        "recovery:plan_version_pdf": {"version_id": version.pk},
        "recovery:person_edit": {"person_id": person.pk},
        "recovery:person_delete": {"person_id": person.pk},
        "recovery:appointment_edit": {"appointment_id": appointment.pk},
        "recovery:appointment_delete": {"appointment_id": appointment.pk},
        "recovery:goal": {"goal_id": goal.pk},
        "recovery:goal_edit": {"goal_id": goal.pk},
        "waypoint_recovery_api_lapse_delete": {"lapse_id": lapse.pk},
    }


def openapi_samples(alice: Any) -> dict[str, Any]:
    """Values for the recovery calls in waypoint/core/tests/test_openapi.py::_calls."""
    import uuid

    from waypoint.recovery import selectors, services
    from waypoint.recovery.tests.conftest import make_profile

    make_profile(alice, days_ago=12)
    today = selectors.local_today(user=alice)
    lapse = services.lapse_record(user=alice, first=today - dt.timedelta(days=2))
    return {"today": today.isoformat(), "lapse": lapse.pk, "client_id": str(uuid.uuid4())}
