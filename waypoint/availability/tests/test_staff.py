"""Facility staff accounts: asking (a work identity, said so), the operator's check and approval
in the admin (the listing's own number shown; who, when, how recorded), two-step sign-in for
every staff page, several staff per facility, removal, and the audit log of every action."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from waypoint.availability import services
from waypoint.availability.models import FacilityStaff, StaffAction
from waypoint.availability.tests.helpers import ask, make_facility, make_member, operator
from waypoint.core.access import TWO_STEP_SESSION_KEY
from waypoint.core.tests.personas import UserFactory, client_for, totp_on

pytestmark = pytest.mark.django_db


def _actions(facility: Any) -> list[str]:
    return list(StaffAction.objects.filter(facility=facility).order_by("at", "id").values_list("action", flat=True))


def test_the_ask_form_says_why_it_asks_for_a_real_name_and_how_we_check(alice):
    facility = make_facility(phone="434-555-0123")
    html = client_for(alice).get(f"/en/facility-staff/ask/{facility.pk}/").content.decode()
    assert "only place Waypoint asks for a real name" in html
    assert "work identity" in html
    assert "434-555-0123" in html  # we call the listing's own number
    assert 'name="work_email"' in html
    assert 'name="full_name"' in html


def test_asking_makes_a_waiting_request_logs_it_and_tells_the_operator_without_names(
    alice, settings, django_capture_on_commit_callbacks
):
    settings.OPERATOR_EMAIL = "ops@example.org"
    facility = make_facility()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(alice).post(
            f"/en/facility-staff/ask/{facility.pk}/",
            {
                "full_name": "Ana Ruiz",
                "role": "Nurse",
                "work_phone": "(434) 555-0188",
                "work_email": "ana@clinic.example",
            },
        )
    assert response.status_code == 302
    staff = FacilityStaff.objects.get(user=alice)
    assert (staff.status, staff.full_name, staff.work_email) == ("requested", "Ana Ruiz", "ana@clinic.example")
    assert _actions(facility) == ["staff.requested"]
    assert len(mail.outbox) == 1
    assert "Ana" not in mail.outbox[0].body
    assert "ana@clinic" not in mail.outbox[0].body
    assert "/admin/availability/facilitystaff/" in mail.outbox[0].body


def test_asking_twice_or_with_a_bad_phone_is_refused(alice):
    facility = make_facility()
    client = client_for(alice)
    bad = client.post(
        f"/en/facility-staff/ask/{facility.pk}/",
        {"full_name": "Ana", "role": "Nurse", "work_phone": "12", "work_email": "ana@clinic.example"},
    )
    assert bad.status_code == 400
    assert "area code" in bad.content.decode()
    ask(alice, facility)
    with pytest.raises(ValidationError):
        ask(alice, facility)
    assert 'data-testid="already"' in client.get(f"/en/facility-staff/ask/{facility.pk}/").content.decode()


def test_approval_needs_a_recorded_check_and_records_who_when_and_how(alice):
    facility = make_facility()
    staff = ask(alice, facility)
    op = operator()
    with pytest.raises(ValidationError, match="Check who they are first"):
        services.staff_request_approve(operator=op, staff_id=staff.pk)
    services.staff_request_verify(
        operator=op,
        staff_id=staff.pk,
        method=FacilityStaff.Verification.LISTING_PHONE,
        note="Front desk put me through",
    )
    staff = services.staff_request_approve(operator=op, staff_id=staff.pk)
    assert staff.status == "active"
    assert staff.verified_by == op
    assert staff.verified_at is not None
    assert staff.verification_method == "listing-phone"
    assert staff.is_admin  # the first staff member of a place is its admin
    assert _actions(facility) == ["staff.requested", "staff.verified", "staff.approved"]
    labels = list(
        StaffAction.objects.filter(facility=facility).order_by("at", "id").values_list("actor_label", flat=True)
    )
    assert labels[1:] == ["operator test-operator", "operator test-operator"]


def test_the_admin_shows_the_listings_own_number_and_approves_through_the_services(alice, staff_client):
    facility = make_facility(phones=[{"kind": "intake", "number": "434-555-0999"}])
    staff = ask(alice, facility)
    page = staff_client.get(f"/admin/availability/facilitystaff/{staff.pk}/change/").content.decode()
    assert "434-555-0999" in page
    assert "never the number the person gave" in page
    # Recording the check in the change form goes through staff_request_verify.
    response = staff_client.post(
        f"/admin/availability/facilitystaff/{staff.pk}/change/",
        {"verification_method": "listing-phone", "verification_note": "Called intake", "is_admin": ""},
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.verified_at is not None
    assert staff.verified_by is not None
    response = staff_client.post(
        "/admin/availability/facilitystaff/", {"action": "approve", "_selected_action": [staff.pk]}
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.status == "active"
    assert "staff.approved" in _actions(facility)


def test_several_staff_per_place_and_only_the_first_is_admin():
    facility = make_facility()
    first = make_member(facility=facility)
    second = make_member(facility=facility, name="Lee Park", email="lee@example.org")
    assert first.is_admin
    assert not second.is_admin
    assert FacilityStaff.objects.filter(facility=facility, status="active").count() == 2


# --- Two-step sign-in --------------------------------------------------------------------------


def test_staff_without_two_step_are_sent_to_turn_it_on(alice):
    staff = make_member(alice, two_step=False)
    response = client_for(alice).get(f"/en/facility-staff/{staff.facility_id}/")
    assert response.status_code == 302
    assert response["Location"] == "/en/account/two-step/"


def test_a_session_that_skipped_the_code_must_sign_in_again(alice):
    staff = make_member(alice, two_step=False)
    totp_on(alice)
    client = Client()
    client.force_login(alice)  # a session from before two-step sign-in was turned on
    response = client.get(f"/en/facility-staff/{staff.facility_id}/")
    html = response.content.decode()
    assert 'data-testid="sign-in-again"' in html
    assert "Today at your place" not in html  # nothing of the facility's page
    again = client.post("/en/facility-staff/sign-in-again/", {"next": f"/en/facility-staff/{staff.facility_id}/"})
    assert again["Location"].startswith("/en/account/login/?next=")
    assert "_auth_user_id" not in client.session


def test_a_verified_session_opens_the_page(alice):
    staff = make_member(alice)
    client = Client()
    client.force_login(alice)
    session = client.session
    session[TWO_STEP_SESSION_KEY] = True
    session.save()
    response = client.get(f"/en/facility-staff/{staff.facility_id}/")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


# --- Removal -----------------------------------------------------------------------------------


def test_a_facility_admin_removes_a_colleague_and_the_colleague_loses_access(alice, bob):
    admin_row = make_member(alice)
    colleague = make_member(bob, admin_row.facility, name="Bo Lane", email="bo@example.org")
    response = client_for(alice).post(f"/en/facility-staff/{admin_row.facility_id}/team/{colleague.pk}/remove/")
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.status == "removed"
    assert client_for(bob).get(f"/en/facility-staff/{admin_row.facility_id}/").status_code == 404
    entry = StaffAction.objects.filter(action="staff.removed").get()
    assert entry.actor == alice
    assert entry.target == f"staff {colleague.pk}"


def test_staff_who_are_not_admins_cannot_remove_others_but_can_leave(alice, bob):
    admin_row = make_member(alice)
    colleague = make_member(bob, admin_row.facility, name="Bo Lane", email="bo@example.org")
    client = client_for(bob)
    client.post(f"/en/facility-staff/{admin_row.facility_id}/team/{admin_row.pk}/remove/")
    admin_row.refresh_from_db()
    assert admin_row.status == "active"
    client.post(f"/en/facility-staff/{admin_row.facility_id}/team/{colleague.pk}/remove/")
    colleague.refresh_from_db()
    assert colleague.status == "removed"
    assert "staff.left" in _actions(admin_row.facility)


def test_the_operator_removes_staff_in_the_admin(alice, staff_client):
    member = make_member(alice)
    staff_client.post("/admin/availability/facilitystaff/", {"action": "remove", "_selected_action": [member.pk]})
    member.refresh_from_db()
    assert member.status == "removed"
    assert StaffAction.objects.filter(action="staff.removed", actor_kind="operator").exists()


def test_the_log_page_lists_every_action_with_who_and_when(alice):
    member = make_member(alice, name="Alice Walker")
    services.staff_notices_set(staff=member, on=False)
    html = client_for(alice).get(f"/en/facility-staff/{member.facility_id}/log/").content.decode()
    assert "Alice Walker (Intake coordinator)" in html
    assert "changed their e-mail notices" in html
    assert "approved as staff" in html
    assert "operator test-operator" in html


def test_the_admin_never_lets_anyone_edit_or_delete_the_log(staff_client):
    member = make_member()
    entry = StaffAction.objects.filter(facility_id=member.facility_id).first()
    assert staff_client.post(f"/admin/availability/staffaction/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert StaffAction.objects.filter(pk=entry.pk).exists()


def test_a_person_can_have_only_a_few_requests_waiting():
    user = UserFactory()
    for _ in range(services.MAX_WAITING_REQUESTS):
        ask(user, make_facility())
    with pytest.raises(ValidationError, match="several requests waiting"):
        ask(user, make_facility())
