"""Availability: the tiny form (defaults from the last update, "still true"), each update
timestamped and logged, and its ageing in the locator's line (fresh → greyed after 3 days →
gone after 7), with time-machine."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from waypoint.availability import rules, services
from waypoint.availability.display import line_for
from waypoint.availability.models import Availability, StaffAction
from waypoint.availability.tests.helpers import make_member
from waypoint.core.tests.personas import client_for

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


def _update(staff: Any, **fields: Any) -> Availability:
    values = {"new_clients": "yes", "same_day_buprenorphine": True, "walk_in_hours": "Mon–Fri 8–11 am", **fields}
    return services.availability_update(staff=staff, **values)


def test_the_form_saves_an_update_stamped_now_and_logs_it(alice):
    staff = make_member(alice)
    client = client_for(alice)
    with time_machine.travel(NOON, tick=False):
        response = client.post(
            f"/en/facility-staff/{staff.facility_id}/",
            {"new_clients": "waitlist", "wait_days": "3", "same_day_methadone": "on", "note": "Bring ID"},
        )
    assert response.status_code == 302
    row = Availability.objects.get(facility_id=staff.facility_id)
    assert (row.new_clients, row.wait_days, row.same_day_methadone, row.same_day_buprenorphine) == (
        "waitlist",
        3,
        True,
        False,
    )
    assert row.updated_at == NOON
    assert row.soon_days == 3
    entry = StaffAction.objects.get(action="availability.updated")
    assert entry.at == NOON
    assert entry.actor == alice
    assert entry.detail == "new clients: waitlist (3 days); same-day methadone; note set"


def test_the_form_starts_from_the_last_update_and_still_true_restamps_it(alice):
    staff = make_member(alice)
    with time_machine.travel(NOON, tick=False):
        _update(staff, note="Bring ID")
    client = client_for(alice)
    page = client.get(f"/en/facility-staff/{staff.facility_id}/").content.decode()
    assert 'value="yes" id="id_new_clients_0" checked' in page or "checked" in page.split('value="yes"')[1][:80]
    assert 'value="Bring ID"' in page
    assert 'data-testid="still-true"' in page
    later = NOON + dt.timedelta(days=2)
    with time_machine.travel(later, tick=False):
        client.post(f"/en/facility-staff/{staff.facility_id}/", {"same": "1"})
    row = Availability.objects.get(facility_id=staff.facility_id)
    assert row.updated_at == later
    assert (row.new_clients, row.note, row.walk_in_hours) == ("yes", "Bring ID", "Mon–Fri 8–11 am")


def test_a_waitlist_needs_its_days_and_other_answers_drop_them(alice):
    staff = make_member(alice)
    response = client_for(alice).post(f"/en/facility-staff/{staff.facility_id}/", {"new_clients": "waitlist"})
    assert response.status_code == 400
    assert "how many days" in response.content.decode()
    row = _update(staff, new_clients="no", wait_days=9)
    assert row.wait_days is None
    assert row.soon_days is None
    with pytest.raises(ValidationError):
        services.availability_update(staff=staff, new_clients="waitlist")


def test_text_is_one_plain_line_within_its_limit(alice):
    staff = make_member(alice)
    row = _update(staff, note="Walk in\n\x07<b>now</b>  " + "x" * 500, walk_in_hours="Mon\tFri")
    assert row.note.startswith("Walk in <b>now</b> x")
    assert len(row.note) == rules.NOTE_MAX_CHARS
    assert row.walk_in_hours == "Mon Fri"
    too_long = client_for(alice).post(
        f"/en/facility-staff/{staff.facility_id}/", {"new_clients": "yes", "note": "y" * (rules.NOTE_MAX_CHARS + 1)}
    )
    assert too_long.status_code == 400


def test_the_line_shows_the_age_then_greys_after_three_days_and_goes_after_seven(alice):
    staff = make_member(alice)
    with time_machine.travel(NOON, tick=False):
        _update(staff)
    facility = staff.facility
    facility.refresh_from_db()

    def line_at(moment: dt.datetime) -> Any:
        with time_machine.travel(moment, tick=False):
            return line_for(type(facility).objects.select_related("availability").get(pk=facility.pk))

    fresh = line_at(NOON + dt.timedelta(hours=2))
    assert fresh.headline == "Taking new clients today"
    assert fresh.extras == ["same-day buprenorphine starts", "walk-in: Mon–Fri 8–11 am"]
    assert fresh.age.replace("\xa0", " ") == "updated 2 hours ago"
    assert not fresh.stale
    assert line_at(NOON + dt.timedelta(seconds=20)).age == "updated just now"
    assert not line_at(NOON + dt.timedelta(days=3)).stale  # exactly three days: still fresh
    stale = line_at(NOON + dt.timedelta(days=3, minutes=1))
    assert stale.stale
    assert stale.age.replace("\xa0", " ") == "updated 3 days ago"
    assert line_at(NOON + dt.timedelta(days=7)) is not None
    assert line_at(NOON + dt.timedelta(days=7, minutes=1)) is None


def test_the_facility_page_shows_the_line_greyed_with_words_and_the_note(client, alice):
    staff = make_member(alice)
    with time_machine.travel(NOON, tick=False):
        _update(staff, note="Ask for intake")
    with time_machine.travel(NOON + dt.timedelta(hours=3), tick=False):
        html = client.get(f"/en/treatment/{staff.facility_id}/").content.decode().replace("\xa0", " ")
    assert "<strong>Taking new clients today</strong> · same-day buprenorphine starts" in html
    assert "updated 3 hours ago" in html
    assert "Ask for intake" in html
    assert "availability-stale" not in html
    with time_machine.travel(NOON + dt.timedelta(days=5), tick=False):
        html = client.get(f"/en/treatment/{staff.facility_id}/").content.decode()
    assert "availability-stale" in html
    assert "This may be out of date. Call to check." in html
    with time_machine.travel(NOON + dt.timedelta(days=8), tick=False):
        html = client.get(f"/en/treatment/{staff.facility_id}/").content.decode()
    assert 'data-testid="availability"' not in html


def test_the_line_speaks_spanish(client, alice):
    staff = make_member(alice)
    with time_machine.travel(NOON, tick=False):
        _update(staff, new_clients="waitlist", wait_days=2)
    with time_machine.travel(NOON + dt.timedelta(hours=5), tick=False):
        html = client.get(f"/es/treatment/{staff.facility_id}/").content.decode().replace("\xa0", " ")
    assert "Lista de espera para clientes nuevos: unos 2 días" in html
    assert "actualizado hace 5" in html


def test_other_staff_or_removed_staff_cannot_update(alice, bob):
    staff = make_member(alice)
    other = make_member(bob)
    assert client_for(bob).post(f"/en/facility-staff/{staff.facility_id}/", {"new_clients": "yes"}).status_code == 404
    assert not Availability.objects.filter(facility_id=staff.facility_id).exists()
    other.status = "removed"
    with pytest.raises(ValidationError):
        services.availability_update(staff=other, new_clients="yes")
