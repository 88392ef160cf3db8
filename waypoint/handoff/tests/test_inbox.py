"""The facility's inbox: new requests waiting longest first, the content only when one is
opened (which is logged), statuses the person sees, and a log with no content in it."""

from __future__ import annotations

import pytest

from waypoint.availability.models import StaffAction
from waypoint.availability.tests.helpers import make_member
from waypoint.core.tests.personas import client_for
from waypoint.handoff.services import handoff_withdraw
from waypoint.handoff.tests.helpers import send

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(alice):
    return make_member(alice)


def test_the_inbox_lists_new_requests_without_their_content(member, alice):
    first, _ = send(member.facility, first_name="Robin", address="198.51.100.1")
    second, _ = send(member.facility, first_name="Kai", address="198.51.100.2")
    response = client_for(alice).get(f"/en/callback/inbox/{member.facility_id}/")
    html = response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert html.count('data-testid="inbox-row"') == 2
    assert html.index(f"Request {first.pk}") < html.index(f"Request {second.pk}")  # waiting longest first
    assert "Robin" not in html
    assert "434-555-0147" not in html
    assert '<span class="badge">2' in html
    assert not StaffAction.objects.filter(action="handoff.opened").exists()


def test_opening_a_request_shows_it_logs_who_opened_it_and_tells_the_person(member, alice):
    handoff, token = send(member.facility, first_name="Robin")
    html = client_for(alice).get(f"/en/callback/inbox/{member.facility_id}/{handoff.pk}/").content.decode()
    assert "Robin" in html
    assert 'href="tel:+14345550147"' in html
    assert "No. Do not leave a message: only talk to them." in html
    entry = StaffAction.objects.get(action="handoff.opened")
    assert (entry.actor, entry.target) == (alice, f"request {handoff.pk}")
    status = client_for(None).get(f"/en/callback/s/{token}/").content.decode()
    assert "has seen your request" in status


@pytest.mark.parametrize(
    ("status", "person_sees"),
    [("contacted", "says they reached you"), ("unreachable", "could not reach you"), ("closed", "closed this request")],
)
def test_the_staff_mark_a_request_and_the_person_sees_it(member, alice, status, person_sees):
    handoff, token = send(member.facility)
    response = client_for(alice).post(f"/en/callback/inbox/{member.facility_id}/{handoff.pk}/", {"status": status})
    assert response.status_code == 302
    handoff.refresh_from_db()
    assert handoff.status == status
    assert person_sees in client_for(None).get(f"/en/callback/s/{token}/").content.decode()
    entry = StaffAction.objects.get(action="handoff.status")
    assert entry.detail == status


def test_a_closed_request_cannot_be_marked_again(member, alice):
    handoff, _ = send(member.facility)
    client = client_for(alice)
    client.post(f"/en/callback/inbox/{member.facility_id}/{handoff.pk}/", {"status": "closed"})
    client.post(f"/en/callback/inbox/{member.facility_id}/{handoff.pk}/", {"status": "contacted"})
    handoff.refresh_from_db()
    assert (handoff.status, handoff.closed_reason) == ("closed", "done")
    listing = client.get(f"/en/callback/inbox/{member.facility_id}/").content.decode()
    assert "Closed in the last 30 days" in listing


def test_the_log_never_holds_what_the_person_sent(member, alice):
    handoff, _ = send(member.facility, first_name="Robin", call_times="mornings", summary="Opioid self-check: 9")
    client = client_for(alice)
    client.get(f"/en/callback/inbox/{member.facility_id}/{handoff.pk}/")
    client.post(f"/en/callback/inbox/{member.facility_id}/{handoff.pk}/", {"status": "unreachable"})
    logged = " ".join(
        f"{e.actor_label} {e.action} {e.target} {e.detail}"
        for e in StaffAction.objects.filter(facility=member.facility)
    )
    for secret in ("Robin", "mornings", "Opioid", "555"):
        assert secret not in logged


def test_only_open_requests_are_listed_as_open_and_erased_ones_say_so(member, alice):
    handoff, _ = send(member.facility)
    handoff_withdraw(handoff=handoff)
    client = client_for(alice)
    html = client.get(f"/en/callback/inbox/{member.facility_id}/").content.decode()
    assert 'data-testid="inbox-empty"' in html
    detail = client.get(f"/en/callback/inbox/{member.facility_id}/{handoff.pk}/").content.decode()
    assert "The details of this request are erased." in detail
    assert 'data-testid="status-form"' not in detail
