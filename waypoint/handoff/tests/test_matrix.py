"""The URL-policy matrix for facility staff and requesters, with the personas this feature adds:
staff of this facility (in a two-step session, and in a session that skipped the code), staff
of another facility, someone whose request to be staff is still unverified, someone removed,
the person who asked to be called, anyone else signed in, an operator, and anonymous.

Staff pages and operations answer only this facility's active staff in a two-step session;
the requester's own pages answer only the requester — not even the facility's staff. Nobody
else ever sees what the person sent."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from waypoint.availability import services as staff_services
from waypoint.availability.tests.helpers import ask, make_facility, make_member
from waypoint.core.tests.personas import UserFactory, client_for, make_staff, totp_on
from waypoint.handoff.tests.helpers import send

pytestmark = pytest.mark.django_db
MARKERS = ["matrix-name-osprey", "matrix-summary-juniper"]


@pytest.fixture
def world() -> dict[str, Any]:
    here = make_facility(name="Here Clinic")
    elsewhere = make_facility(name="Elsewhere Clinic")
    people = {
        name: UserFactory(username=name) for name in ("here", "elsewhere", "asked", "removed", "requester", "other")
    }
    member = make_member(people["here"], here)
    make_member(people["elsewhere"], elsewhere)
    ask(people["asked"], here)  # waits for the operator's check
    gone = make_member(people["removed"], here, name="Rem Oved", email="rem@example.org")
    staff_services.staff_remove(by=member, staff_id=gone.pk)
    totp_on(people["asked"])
    handoff, token = send(here, requester=people["requester"], first_name=MARKERS[0], summary=MARKERS[1])
    no_code = Client()
    no_code.force_login(people["here"])  # an authenticator, but this session skipped the code
    clients = {
        "anonymous": Client(),
        "staff here": client_for(people["here"]),
        "staff here, no code this session": no_code,
        "staff elsewhere": client_for(people["elsewhere"]),
        "unverified requester of staff access": client_for(people["asked"]),
        "removed staff": client_for(people["removed"]),
        "the person who asked to be called": client_for(people["requester"]),
        "someone else": client_for(people["other"]),
        "operator": client_for(make_staff(username="matrix-operator")),
    }
    return {"here": here, "handoff": handoff, "token": token, "clients": clients}


def _staff_urls(w: dict[str, Any]) -> list[tuple[str, str]]:
    f, h = w["here"].pk, w["handoff"].pk
    return [
        ("GET", f"/en/facility-staff/{f}/"),
        ("GET", f"/en/facility-staff/{f}/team/"),
        ("GET", f"/en/facility-staff/{f}/log/"),
        ("GET", f"/en/callback/inbox/{f}/"),
        ("GET", f"/en/callback/inbox/{f}/{h}/"),
        ("GET", f"/api/v1/staff/facilities/{f}/handoffs"),
        ("GET", f"/api/v1/staff/facilities/{f}/handoffs/{h}"),
    ]


def _requester_urls(w: dict[str, Any]) -> list[tuple[str, str]]:
    h = w["handoff"].pk
    return [("GET", f"/en/callback/mine/{h}/"), ("GET", f"/api/v1/me/handoffs/{h}")]


def _answer(client: Client, url: str) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, response.content.decode()


def test_staff_pages_answer_only_this_facilitys_staff_in_a_two_step_session(world):
    problems = []
    for persona, client in world["clients"].items():
        for _method, url in _staff_urls(world):
            status, body = _answer(client, url)
            api = url.startswith("/api/")
            if persona == "staff here":
                ok = status == 200
            elif persona == "anonymous":
                ok = status == 401 if api else status == 302
            elif persona == "staff here, no code this session":
                # Told to sign in again (pages) or refused (API): never the page itself.
                ok = status == 404 if api else (status == 200 and 'data-testid="sign-in-again"' in body)
            else:
                ok = status == 404
            if not ok:
                problems.append(f"{persona} GET {url} → {status}")
            if persona != "staff here" and any(marker in body for marker in MARKERS):
                problems.append(f"{persona} GET {url} shows what the person sent")
    assert problems == []


def test_the_requesters_pages_answer_only_the_requester(world):
    problems = []
    for persona, client in world["clients"].items():
        for _method, url in _requester_urls(world):
            status, body = _answer(client, url)
            api = url.startswith("/api/")
            if persona == "the person who asked to be called":
                ok = status == 200 and MARKERS[0] in body
            elif persona == "anonymous":
                ok = status == 401 if api else status == 302
            else:
                ok = status == 404 and not any(marker in body for marker in MARKERS)
            if not ok:
                problems.append(f"{persona} GET {url} → {status}")
    assert problems == []


def test_the_private_link_shows_the_same_to_everyone_and_never_the_content(world):
    url = f"/en/callback/s/{world['token']}/"
    for persona, client in world["clients"].items():
        status, body = _answer(client, url)
        assert status == 200, persona
        assert not any(marker in body for marker in MARKERS), persona


def test_staff_of_another_facility_cannot_change_a_request(world):
    f, h = world["here"].pk, world["handoff"].pk
    for persona in ("staff elsewhere", "unverified requester of staff access", "removed staff", "operator"):
        client = world["clients"][persona]
        assert client.post(f"/en/callback/inbox/{f}/{h}/", {"status": "closed"}).status_code == 404, persona
        api = client.post(
            f"/api/v1/staff/facilities/{f}/handoffs/{h}/status", {"status": "closed"}, content_type="application/json"
        )
        assert api.status_code in {403, 404}, persona  # 403 only for a session without its CSRF token
    world["handoff"].refresh_from_db()
    assert world["handoff"].status == "new"
    assert world["handoff"].erased_at is None


def test_a_request_of_facility_a_is_not_reachable_under_facility_bs_address(world):
    """Staff of B who guess A's request id under their own facility's address get a 404."""
    elsewhere_client = world["clients"]["staff elsewhere"]
    from waypoint.availability.models import FacilityStaff

    b = FacilityStaff.objects.get(user__username="elsewhere").facility_id
    assert elsewhere_client.get(f"/en/callback/inbox/{b}/{world['handoff'].pk}/").status_code == 404
    assert elsewhere_client.get(f"/api/v1/staff/facilities/{b}/handoffs/{world['handoff'].pk}").status_code == 404
