"""The daily check-in service: one per local day, idempotent client ids, the window
(today and yesterday), "used" as a lapse, local midnight across DST changes."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from waypoint.core.tests.personas import UserFactory
from waypoint.recovery import selectors, services
from waypoint.recovery.models import Checkin, Lapse
from waypoint.recovery.plan import PlanContent, PlanTrigger
from waypoint.recovery.tests.conftest import ZONE, checkin, make_profile

pytestmark = pytest.mark.django_db
NY = ZoneInfo(ZONE)


def answers(**values):
    return services.CheckinAnswers(**values)


def test_it_keeps_one_check_in_per_day_and_updates_it(alice, profile):
    today = selectors.local_today(user=alice)
    first, created = services.checkin_record(user=alice, client_id=uuid.uuid4(), day=today, answers=answers(mood=2))
    second, created_again = services.checkin_record(
        user=alice, client_id=uuid.uuid4(), day=today, answers=answers(mood=4, craving=3)
    )
    assert created
    assert not created_again
    assert first.pk == second.pk
    row = Checkin.objects.get(user=alice)
    assert (row.mood, row.craving) == (4, 3)
    # The first save's time stays the time of day it was made.
    assert row.created_at == first.created_at


def test_a_repeated_client_id_returns_the_same_check_in_unchanged(alice, profile):
    client_id = uuid.uuid4()
    today = selectors.local_today(user=alice)
    first, created = services.checkin_record(user=alice, client_id=client_id, day=today, answers=answers(mood=3))
    again, created_again = services.checkin_record(user=alice, client_id=client_id, day=today, answers=answers(mood=5))
    assert created
    assert not created_again
    assert again.pk == first.pk
    assert Checkin.objects.get().mood == 3
    assert Checkin.objects.count() == 1


def test_client_ids_belong_to_one_person(alice, bob, profile):
    make_profile(bob)
    client_id = uuid.uuid4()
    services.checkin_record(
        user=alice, client_id=client_id, day=selectors.local_today(user=alice), answers=answers(mood=3)
    )
    row, created = services.checkin_record(
        user=bob, client_id=client_id, day=selectors.local_today(user=bob), answers=answers(mood=1)
    )
    assert created
    assert row.user_id == bob.pk


def test_yesterday_can_be_filled_in_late_but_not_earlier_or_tomorrow(alice, profile):
    today = selectors.local_today(user=alice)
    services.checkin_record(
        user=alice, client_id=uuid.uuid4(), day=today - dt.timedelta(days=1), answers=answers(mood=3)
    )
    for day in (today - dt.timedelta(days=2), today + dt.timedelta(days=1)):
        with pytest.raises(ValidationError) as error:
            services.checkin_record(user=alice, client_id=uuid.uuid4(), day=day, answers=answers(mood=3))
        assert "date" in error.value.message_dict
    assert Checkin.objects.count() == 1


def test_it_refuses_answers_out_of_range(alice, profile):
    today = selectors.local_today(user=alice)
    for bad in ({"mood": 0}, {"mood": 6}, {"craving": 11}, {"sleep_hours": 25}, {"stress": -1}):
        with pytest.raises(ValidationError):
            services.checkin_record(user=alice, client_id=uuid.uuid4(), day=today, answers=answers(**bad))
    assert not Checkin.objects.exists()


def test_triggers_must_come_from_the_person_s_plan(alice, profile):
    plan = PlanContent(triggers=[PlanTrigger(id="t1", kind="places", name="The old corner")])
    services.plan_save(user=alice, content=plan, changed="triggers")
    today = selectors.local_today(user=alice)
    row = checkin(alice, trigger_ids=("t1",))
    assert row.trigger_ids == ["t1"]
    with pytest.raises(ValidationError):
        services.checkin_record(user=alice, client_id=uuid.uuid4(), day=today, answers=answers(trigger_ids=("nope",)))


def test_medication_is_kept_only_for_someone_who_has_one(alice, bob, profile):
    make_profile(bob, medication_kind="buprenorphine")
    assert checkin(alice, medication_taken=True).medication_taken is None
    assert checkin(bob, medication_taken=True).medication_taken is True


def test_used_today_records_the_day_as_a_lapse_once(alice, profile):
    today = selectors.local_today(user=alice)
    row = checkin(alice, used=True, mood=2)
    checkin(alice, used=True, mood=3)
    lapse = Lapse.objects.get(user=alice)
    assert (lapse.date, lapse.end_date, lapse.checkin_id) == (today, today, row.pk)
    assert selectors.lapse_dates(user=alice) == [today]


def test_answering_no_takes_back_the_lapse_the_check_in_made(alice, profile):
    checkin(alice, used=True)
    checkin(alice, used=False)
    assert not Lapse.objects.exists()


def test_a_new_check_in_answering_no_looks_for_no_lapse_of_its_own(alice, profile):
    # A check-in made just now cannot have made a lapse yet (a query fewer per check-in).
    with CaptureQueriesContext(connection) as queries:
        checkin(alice, used=False)
    assert not [q["sql"] for q in queries.captured_queries if q["sql"].startswith("DELETE")]


def test_answering_no_leaves_a_lapse_recorded_on_its_own(alice, profile):
    today = selectors.local_today(user=alice)
    services.lapse_record(user=alice, first=today)
    checkin(alice, used=False)
    assert Lapse.objects.filter(user=alice).count() == 1


def test_used_on_a_day_already_in_a_lapse_adds_nothing(alice, profile):
    today = selectors.local_today(user=alice)
    services.lapse_record(user=alice, first=today - dt.timedelta(days=1), last=today)
    checkin(alice, used=True)
    assert Lapse.objects.count() == 1


# --- Local midnight, across DST changes -------------------------------------------------------


def _at(local: dt.datetime) -> time_machine.travel:
    return time_machine.travel(local.replace(tzinfo=NY), tick=False)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # Spring forward: 2026-03-08 02:00 EST -> 03:00 EDT (UTC-5 then UTC-4).
        (dt.datetime(2026, 3, 7, 23, 59), dt.datetime(2026, 3, 8, 0, 1)),
        (dt.datetime(2026, 3, 8, 23, 59), dt.datetime(2026, 3, 9, 0, 1)),
        # Fall back: 2026-11-01 02:00 EDT -> 01:00 EST.
        (dt.datetime(2026, 10, 31, 23, 59), dt.datetime(2026, 11, 1, 0, 1)),
        (dt.datetime(2026, 11, 1, 23, 59), dt.datetime(2026, 11, 2, 0, 1)),
    ],
)
def test_a_day_begins_at_local_midnight_across_dst(alice, before, after):
    with _at(before):
        make_profile(alice, days_ago=10)
        assert selectors.local_today(user=alice) == before.date()
        first = checkin(alice, mood=2)
    with _at(after):
        assert selectors.local_today(user=alice) == after.date()
        second = checkin(alice, mood=4)
    assert (first.date, second.date) == (before.date(), after.date())
    assert first.pk != second.pk
    # The same instants, counted: the day before DST ended at 23:59 local, not 23:59 UTC.
    with _at(after):
        status = selectors.recovery_status(user=alice, profile=selectors.profile_for(user=alice))
        assert status.time.today == after.date()
        assert status.time.days_in_recovery == 11


def test_the_form_drawn_at_2359_saves_to_that_day_after_midnight(alice, alice_client):
    with _at(dt.datetime(2026, 3, 7, 23, 59)):
        make_profile(alice, days_ago=5)
        page = alice_client.get("/en/recovery/check-in/")
        form = page.context["form"]
        client_id, day = form.initial["client_id"], form.initial["day"]
    with _at(dt.datetime(2026, 3, 8, 0, 1)):
        alice_client.post("/en/recovery/check-in/", {"client_id": client_id, "day": day, "mood": "3"})
    assert Checkin.objects.get(user=alice).date == dt.date(2026, 3, 7)


def test_the_server_zone_does_not_decide_the_day(alice, settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    with time_machine.travel(dt.datetime(2026, 6, 1, 23, 30, tzinfo=ZoneInfo("America/Los_Angeles")), tick=False):
        make_profile(alice, time_zone="America/Los_Angeles")
        assert selectors.local_today(user=alice) == dt.date(2026, 6, 1)


# --- One per day under concurrent posts --------------------------------------------------------


def _race(user_id: int, day: dt.date, client_ids: list[uuid.UUID]) -> list[BaseException]:
    from waypoint.accounts.models import User

    errors: list[BaseException] = []
    barrier = threading.Barrier(len(client_ids))

    def post(client_id: uuid.UUID) -> None:
        try:
            user = User.objects.get(pk=user_id)
            barrier.wait(timeout=10)
            services.checkin_record(user=user, client_id=client_id, day=day, answers=answers(mood=3))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(client_id,)) for client_id in client_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same_client_id", [False, True])
def test_concurrent_posts_make_one_check_in(same_client_id):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the race needs PostgreSQL (CI runs it)")
    user = UserFactory()
    make_profile(user)
    day = selectors.local_today(user=user)
    shared = uuid.uuid4()
    client_ids = [shared if same_client_id else uuid.uuid4() for _ in range(6)]
    errors = _race(user.pk, day, client_ids)
    assert errors == []
    assert Checkin.objects.filter(user=user).count() == 1


def _a_row_lands_just_before_the_insert(monkeypatch, **row):
    """Another request's check-in is saved between this one's checks and its INSERT."""
    landed = []
    insert = services._CHECKIN_INSERT.unless_taken

    def racing(instance):
        if not landed:
            landed.append(Checkin.objects.create(user=instance.user, date=instance.date, **row))
        return insert(instance)

    monkeypatch.setattr(services._CHECKIN_INSERT, "unless_taken", racing)
    return landed


def test_losing_the_insert_race_updates_the_winner_s_row(alice, profile, monkeypatch):
    """What the loser of a race sees on any database: the unique constraint refuses its
    row, and it updates the row that won instead."""
    raced = _a_row_lands_just_before_the_insert(monkeypatch, client_id=uuid.uuid4(), mood=1)
    _row, created = services.checkin_record(
        user=alice, client_id=uuid.uuid4(), day=selectors.local_today(user=alice), answers=answers(mood=5, used=True)
    )
    assert raced
    assert not created
    assert Checkin.objects.filter(user=alice).count() == 1
    assert Checkin.objects.get(user=alice).mood == 5
    # The lapse is recorded once, on the winner's row.
    assert list(Lapse.objects.filter(user=alice).values_list("checkin_id", flat=True)) == [raced[0].pk]


def test_losing_the_race_to_a_retry_of_the_same_check_in_returns_it(alice, profile, monkeypatch):
    """The same client id sent twice at once: the loser answers with the winner's row."""
    client_id = uuid.uuid4()
    raced = _a_row_lands_just_before_the_insert(monkeypatch, client_id=client_id, mood=2)
    row, created = services.checkin_record(
        user=alice, client_id=client_id, day=selectors.local_today(user=alice), answers=answers(mood=5, used=True)
    )
    assert not created
    assert row.pk == raced[0].pk
    assert row.mood == 2  # returned unchanged, as any retry is
    assert not Lapse.objects.filter(user=alice).exists()  # nothing of the refused row is kept
    assert Checkin.objects.filter(user=alice).count() == 1


def test_a_row_refused_by_one_deleted_meanwhile_is_a_clear_error(alice, profile, monkeypatch):
    """Refused, yet neither the client id's check-in nor the day's is there when looked up
    (deleted between the two): an error that says to try again, and nothing half-written."""
    monkeypatch.setattr(services._CHECKIN_INSERT, "unless_taken", lambda instance: None)
    with pytest.raises(ValidationError) as raised:
        services.checkin_record(
            user=alice, client_id=uuid.uuid4(), day=selectors.local_today(user=alice), answers=answers(mood=3)
        )
    assert "try again" in str(raised.value.message_dict["date"][0])
    assert not Checkin.objects.filter(user=alice).exists()


def test_a_refused_row_does_not_end_the_caller_s_transaction(alice, profile):
    """Inside a transaction (PostgreSQL aborts one on an error), a check-in for a day that
    has one updates it, and the transaction goes on."""
    today = selectors.local_today(user=alice)
    checkin(alice, day=today, mood=1)
    with transaction.atomic():
        _row, created = services.checkin_record(user=alice, client_id=uuid.uuid4(), day=today, answers=answers(mood=4))
        assert not created
        assert Checkin.objects.filter(user=alice).count() == 1  # a query after it still runs
    assert Checkin.objects.get(user=alice).mood == 4


def test_a_new_check_in_is_saved_as_the_orm_would_save_it(alice, profile):
    """The INSERT written once (waypoint/core/rows.py, Insert) writes what Model.save
    writes: times set, the note encrypted and bound to the row, the key read back."""
    today = selectors.local_today(user=alice)
    row, created = services.checkin_record(
        user=alice, client_id=uuid.uuid4(), day=today, answers=answers(mood=3, sleep_hours=7.5, note="A calm day.")
    )
    assert created
    assert row.pk is not None
    assert not row._state.adding
    stored = Checkin.objects.get(pk=row.pk)
    assert stored.note == "A calm day."
    assert stored.created_at is not None
    assert stored.updated_at is not None
    assert stored.sleep_hours == Decimal("7.5")
    assert stored.row_key == row.row_key
    raw = Checkin.objects.filter(pk=row.pk).values_list("note", flat=True).get()
    assert "calm" not in str(raw)


def test_the_written_once_look_up_reads_what_the_orm_reads(alice, profile):
    """selectors.checkin_sent_or_on_day skips the ORM's compiler (waypoint/core/rows.py):
    every field, the encrypted note included, comes back as a queryset gives it."""
    today = selectors.local_today(user=alice)
    made = checkin(
        alice, day=today, mood=4, craving=7, used=True, sleep_hours=6.5, meeting=True, stress=2,
        trigger_ids=(), note="Called Sam. Slept early.",
    )  # fmt: skip
    yesterday_id = uuid.uuid4()
    services.checkin_record(
        user=alice, client_id=yesterday_id, day=today - dt.timedelta(days=1), answers=answers(mood=1)
    )
    by_client, on_day = selectors.checkin_sent_or_on_day(user=alice, client_id=yesterday_id, day=today)
    assert by_client is not None
    assert by_client.date == today - dt.timedelta(days=1)
    assert on_day is not None
    assert on_day.pk == made.pk
    orm = Checkin.objects.get(pk=made.pk)
    for field in Checkin._meta.concrete_fields:
        assert getattr(on_day, field.attname) == getattr(orm, field.attname), field.name
    assert on_day.note == "Called Sam. Slept early."
    assert str(on_day.sleep_hours) == "6.5"
    assert selectors.checkin_sent_or_on_day(user=alice, client_id=uuid.uuid4(), day=today - dt.timedelta(days=3)) == (
        None,
        None,
    )
    assert selectors.lapse_covers(user=alice, day=today)
    assert not selectors.lapse_covers(user=alice, day=today - dt.timedelta(days=1))
