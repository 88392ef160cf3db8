"""The API of both apps, as staff and requesters use it, each answer checked against the served
OpenAPI document: the person's own requests, the facility's inbox and availability (two-step
sign-in: a verified session, or a personal access token of an account with two-step on)."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from django.test import Client

from waypoint.availability.tests.helpers import make_member
from waypoint.core.tests.personas import client_for
from waypoint.core.tests.test_openapi import _schema_for
from waypoint.handoff.tests.helpers import send

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client: Client) -> dict[str, Any]:
    return client.get("/api/v1/openapi.json").json()


def _checked(document: dict[str, Any], response: Any, method: str, path: str) -> Any:
    schema = _schema_for(document, path, method, response.status_code)
    assert schema is not None
    jsonschema.validate(response.json(), schema, cls=jsonschema.Draft202012Validator)
    return response.json()


def _token_for(user: Any) -> str:
    from waypoint.accounts import tokens

    _row, secret = tokens.token_create(user=user, name="intake tablet", scope="read-write")
    return secret


def test_the_person_lists_reads_and_takes_back_their_request(document, alice):
    member = make_member()
    handoff, _ = send(member.facility, requester=alice, first_name="Robin")
    client = client_for(alice)
    listed = _checked(document, client.get("/api/v1/me/handoffs"), "GET", "/api/v1/me/handoffs")
    assert [r["id"] for r in listed["results"]] == [handoff.pk]
    assert listed["results"][0]["items"] is None
    one = _checked(
        document, client.get(f"/api/v1/me/handoffs/{handoff.pk}"), "GET", f"/api/v1/me/handoffs/{handoff.pk}"
    )
    assert {i["key"]: i["value"] for i in one["items"]}["first_name"] == "Robin"
    path = f"/api/v1/me/handoffs/{handoff.pk}/withdraw"
    back = _checked(document, client.post(path, content_type="application/json"), "POST", path)
    assert (back["status"], back["closed_reason"], back["erased"], back["items"]) == ("closed", "withdrawn", True, [])


def test_the_staff_read_the_inbox_and_set_a_status(document, alice):
    member = make_member(alice)
    handoff, _ = send(member.facility, first_name="Robin")
    client = client_for(alice)
    base = f"/api/v1/staff/facilities/{member.facility_id}/handoffs"
    inbox = _checked(document, client.get(base), "GET", base)
    assert inbox["results"][0]["seen"] is False
    assert inbox["results"][0]["items"] is None
    one = _checked(document, client.get(f"{base}/{handoff.pk}"), "GET", f"{base}/{handoff.pk}")
    assert {i["key"]: i["value"] for i in one["items"]}["phone"] == "434-555-0147"
    path = f"{base}/{handoff.pk}/status"
    missing = _checked(document, client.post(path, {}, content_type="application/json"), "POST", path)
    assert missing["detail"][0]["loc"] == ["body", "status"]
    done = _checked(document, client.post(path, {"status": "contacted"}, content_type="application/json"), "POST", path)
    assert done["status"] == "contacted"


def test_the_staff_update_availability_with_a_token(document, alice):
    member = make_member(alice)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {_token_for(alice)}")
    path = f"/api/v1/staff/facilities/{member.facility_id}/availability"
    body = {"new_clients": "waitlist", "wait_days": 2, "same_day_buprenorphine": True, "note": "Ask for Dee"}
    saved = _checked(document, client.put(path, body, content_type="application/json"), "PUT", path)
    assert (saved["new_clients"], saved["wait_days"], saved["soon"], saved["stale"]) == ("waitlist", 2, True, False)
    bad = _checked(
        document, client.put(path, {"new_clients": "waitlist"}, content_type="application/json"), "PUT", path
    )
    assert bad["detail"][0]["loc"] == ["body", "wait_days"]


def test_a_token_of_an_account_without_two_step_opens_nothing(document, alice):
    member = make_member(alice, two_step=False)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {_token_for(alice)}")
    path = f"/api/v1/staff/facilities/{member.facility_id}/availability"
    response = client.put(path, {"new_clients": "yes"}, content_type="application/json")
    assert response.status_code == 404
    _checked(document, response, "PUT", path)


def test_a_session_that_skipped_the_code_opens_nothing(alice):
    member = make_member(alice)
    client = Client()
    client.force_login(alice)
    assert client.get(f"/api/v1/staff/facilities/{member.facility_id}/handoffs").status_code == 404
