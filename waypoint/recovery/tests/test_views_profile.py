"""The profile page (medication and program), support people and appointments."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from waypoint.recovery import selectors, services
from waypoint.recovery.models import Appointment, RecoveryProfile, SupportPerson

pytestmark = pytest.mark.django_db


def profile_form(profile, **changes):
    data = {
        "start_date": profile.start_date.isoformat(),
        "time_zone": profile.time_zone,
        "medication_kind": "none",
        "medication_program": "",
        "dose_time_1": "",
        "dose_time_2": "",
        "dose_time_3": "",
        "taper_end_date": "",
        "treatment_program": "",
    }
    data.update(changes)
    return data


def test_the_profile_saves_medication_doses_and_program(alice, alice_client, profile):
    response = alice_client.post(
        "/en/recovery/profile/",
        profile_form(
            profile,
            substances=["heroin", "fentanyl"],
            medication_kind="methadone",
            medication_program="Eastside OTP",
            dose_time_1="08:00",
            dose_time_2="20:30",
            taper_end_date="2027-03-01",
            treatment_program="Thursday group",
        ),
    )
    assert response["Location"] == "/en/recovery/today/"
    saved = RecoveryProfile.objects.get(user=alice)
    assert saved.substances == ["heroin", "fentanyl"]
    assert (saved.medication_kind, saved.dose_times) == ("methadone", ["08:00", "20:30"])
    assert (saved.medication_program, saved.treatment_program) == ("Eastside OTP", "Thursday group")
    assert saved.taper_end_date == dt.date(2027, 3, 1)


def test_no_medication_clears_the_dose_times(alice, alice_client, profile):
    services.profile_save(
        user=alice,
        start_date=profile.start_date,
        time_zone=profile.time_zone,
        medication_kind="naltrexone",
        dose_times=["09:00"],
    )
    alice_client.post("/en/recovery/profile/", profile_form(profile, medication_kind="none", dose_time_1="09:00"))
    assert RecoveryProfile.objects.get(user=alice).dose_times == []


def test_people_are_added_changed_and_removed(alice, alice_client, profile):
    alice_client.post("/en/recovery/people/", {"name": "Ines", "phone": "555-201-3344", "role": "sponsor"})
    person = SupportPerson.objects.get(user=alice)
    assert (person.name, person.phone, person.role) == ("Ines", "555-201-3344", "sponsor")
    assert 'href="tel:5552013344"' in alice_client.get("/en/recovery/people/").content.decode()
    alice_client.post(f"/en/recovery/people/{person.pk}/", {"name": "Inés", "phone": "", "role": "peer_coach"})
    person.refresh_from_db()
    assert (person.name, person.phone, person.role) == ("Inés", None, "peer_coach")
    alice_client.post(f"/en/recovery/people/{person.pk}/delete/")
    assert not SupportPerson.objects.exists()


def test_a_phone_must_have_digits(alice, alice_client, profile):
    response = alice_client.post("/en/recovery/people/", {"name": "X", "phone": "call me", "role": "friend"})
    assert response.status_code == 400
    assert not SupportPerson.objects.exists()


def test_appointments_are_kept_in_local_time(alice, alice_client, profile):
    day = selectors.local_today(user=alice) + dt.timedelta(days=2)
    alice_client.post(
        "/en/recovery/appointments/",
        {"day": day.isoformat(), "at": "10:15", "title": "Counselor", "place": "2nd floor"},
    )
    appointment = Appointment.objects.get(user=alice)
    local = appointment.starts_at.astimezone(ZoneInfo(profile.time_zone))
    assert (local.date(), local.hour, local.minute) == (day, 10, 15)
    page = alice_client.get("/en/recovery/appointments/").content.decode()
    assert "10:15 a.m." in page
    assert "Counselor" in page
    edit = alice_client.get(f"/en/recovery/appointments/{appointment.pk}/")
    assert edit.context["form"].initial["at"].hour == 10
    alice_client.post(f"/en/recovery/appointments/{appointment.pk}/delete/")
    assert not Appointment.objects.exists()
