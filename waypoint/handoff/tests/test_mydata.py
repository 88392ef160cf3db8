"""My data for both sides: the person's requests (exported with what they sent; on deletion
erased and unlinked) and the staff member's profile (exported; on deletion gone, and their
name in the facility's log replaced by a stable pseudonym)."""

from __future__ import annotations

import pytest

from waypoint.accounts import services as account_services
from waypoint.availability import services as staff_services
from waypoint.availability.models import Availability, FacilityStaff, StaffAction
from waypoint.availability.mydata import staff_export, staff_pseudonym
from waypoint.availability.tests.helpers import make_member
from waypoint.core.models import DataKey
from waypoint.handoff.models import HandoffRequest
from waypoint.handoff.mydata import requests_export
from waypoint.handoff.tests.helpers import send

pytestmark = pytest.mark.django_db


def test_the_person_exports_their_requests_with_what_they_sent(alice):
    member = make_member()
    send(member.facility, requester=alice, first_name="Robin")
    exported = requests_export(user=alice)
    assert exported[0]["content"]["first_name"] == "Robin"
    assert exported[0]["status"] == "new"


def test_deleting_the_account_erases_and_unlinks_the_requests_the_facility_keeps_a_bare_record(alice):
    member = make_member()
    handoff, _ = send(member.facility, requester=alice, first_name="Robin")
    key_id = handoff.data_key_id
    account_services.account_delete(user=alice)
    handoff.refresh_from_db()
    assert (handoff.requester_id, handoff.phone, handoff.first_name, handoff.summary) == (None, None, None, None)
    assert handoff.closed_reason == "withdrawn"
    assert handoff.facility_id == member.facility_id
    assert not DataKey.objects.filter(pk=key_id).exists()


def test_staff_export_their_profile_and_what_they_did(alice):
    member = make_member(alice, name="Alice Walker", email="alice@clinic.example")
    staff_services.availability_update(staff=member, new_clients="yes")
    exported = staff_export(user=alice)
    assert exported["profiles"][0]["name"] == "Alice Walker"
    assert exported["profiles"][0]["work_email"] == "alice@clinic.example"
    assert {entry["action"] for entry in exported["log"]} >= {"staff.requested", "availability.updated"}


def test_deleting_a_staff_account_keeps_the_facilitys_requests_and_unnames_the_log(alice):
    member = make_member(alice, name="Alice Walker")
    handoff, _ = send(member.facility)
    staff_services.availability_update(staff=member, new_clients="yes")
    staff_services.staff_notices_set(staff=member, on=False)
    user_id = alice.pk
    account_services.account_delete(user=alice)
    assert not FacilityStaff.objects.filter(pk=member.pk).exists()
    labels = set(
        StaffAction.objects.filter(facility=member.facility, actor_kind__in=["staff", "person"]).values_list(
            "actor_label", flat=True
        )
    )
    assert labels == {staff_pseudonym(user_id)}  # one stable pseudonym for every line
    assert "Alice" not in " ".join(StaffAction.objects.values_list("actor_label", flat=True))
    assert HandoffRequest.objects.get(pk=handoff.pk).phone == "434-555-0147"  # the facility's, not hers
    assert Availability.objects.get(facility=member.facility).updated_by_id is None


def test_the_pseudonym_is_stable_and_differs_between_people():
    assert staff_pseudonym(41) == staff_pseudonym(41)
    assert staff_pseudonym(41) != staff_pseudonym(42)
