"""The served OpenAPI document is valid, says what every operation may answer, and every
operation's real answers — good and bad — match it."""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import validate

from waypoint.core.tests.personas import client_for

pytestmark = pytest.mark.django_db

ERROR_REF = "#/components/schemas/ApiError"


@pytest.fixture
def document(client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method.upper(), operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def test_the_document_is_valid_openapi(document):
    validate(document)


def test_component_names_are_unique_per_app(document):
    """A schema name used by two apps would document one app's answers with the other's."""
    from waypoint.core.urlwalk import api_routes

    seen: dict[str, Any] = {}
    from waypoint.api import api

    for bound in api._get_bound_routers():
        for path_view in bound.path_operations.values():
            for operation in path_view.operations:
                for model in operation.response_models.values():
                    inner = getattr(model, "model_fields", {}).get("response")
                    annotation = getattr(inner, "annotation", None)
                    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
                        name = annotation.__name__
                        assert seen.setdefault(name, annotation) is annotation, f"two schemas are named {name}"
    assert api_routes()  # the walk saw the operations


def test_every_operation_documents_its_errors_in_the_one_shape(document):
    for path, method, operation in _operations(document):
        responses = operation["responses"]
        for status in ("404", "422", "429"):
            assert status in responses, f"{method} {path} does not document {status}"
            assert responses[status]["content"]["application/json"]["schema"] == {"$ref": ERROR_REF}, (
                f"{method} {path} documents {status} in another shape"
            )
        if operation.get("security"):
            assert "401" in responses, f"{method} {path} needs sign-in but does not document 401"


# --- Real answers against the document ---------------------------------------------------


def _calls(samples: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(method, URL, JSON body): for every operation, answers of every kind it gives."""
    facility, meeting = samples["facility"], samples["meeting"]
    return [
        ("GET", "/api/v1/facilities?near=22902&radius=25", None),
        ("GET", "/api/v1/facilities?near=22902&service=NOPE", None),
        ("GET", "/api/v1/facilities?near=22902&radius=0", None),
        ("GET", "/api/v1/facilities", None),
        ("GET", f"/api/v1/facilities/{facility}", None),
        ("GET", "/api/v1/facilities/999999", None),
        ("GET", "/api/v1/instruments", None),
        ("GET", "/api/v1/instruments/cows", None),
        ("GET", "/api/v1/instruments/nope", None),
        ("GET", "/api/v1/instruments/cows/fhir?lang=es", None),
        ("POST", "/api/v1/instruments/barc-10/score", {"answers": {}}),
        ("POST", "/api/v1/instruments/nope/score", {"answers": {}}),
        ("POST", "/api/v1/instruments/cows/score", {"answers": "not a dict"}),
        ("GET", "/api/v1/articles?q=methadone&lang=en", None),
        ("GET", "/api/v1/articles?lang=xx", None),
        ("GET", "/api/v1/meetings?near=22902&radius=50", None),
        ("GET", "/api/v1/meetings?near=22902&radius=0", None),
        ("GET", "/api/v1/meetings?page=0&online=true", None),
        ("GET", "/api/v1/meetings", None),
        ("GET", f"/api/v1/meetings/{meeting}", None),
        ("GET", "/api/v1/meetings/999999", None),
        # The person's own recovery data (alice's, made in api_samples).
        ("GET", "/api/v1/me/profile", None),
        ("PUT", "/api/v1/me/profile", {"start_date": samples["today"], "time_zone": "America/New_York"}),
        ("PUT", "/api/v1/me/profile", {"start_date": samples["today"], "time_zone": "Mars/Olympus"}),
        ("POST", "/api/v1/me/checkins", {"client_id": samples["client_id"], "date": samples["today"], "mood": 4}),
        ("POST", "/api/v1/me/checkins", {"client_id": samples["client_id"], "date": samples["today"], "mood": 4}),
        ("POST", "/api/v1/me/checkins", {"client_id": "not-a-uuid", "date": samples["today"]}),
        ("GET", f"/api/v1/me/checkins?from={samples['today']}", None),
        ("POST", "/api/v1/me/lapses", {"date": samples["today"], "what_helped": "A walk"}),
        ("GET", "/api/v1/me/lapses", None),
        ("DELETE", f"/api/v1/me/lapses/{samples['lapse']}", None),
        ("DELETE", "/api/v1/me/lapses/999999", None),
        ("GET", "/api/v1/me/recovery", None),
        # The person's private journal (alice's entry, made in api_samples).
        ("GET", "/api/v1/me/journal", None),
        ("GET", "/api/v1/me/journal?q=river&page=1", None),
        ("GET", "/api/v1/me/journal?page=0", None),
        ("POST", "/api/v1/me/journal", {"text": "A calm evening.", "mood": 4, "tags": ["calm"]}),
        ("POST", "/api/v1/me/journal", {"text": ""}),
        ("GET", f"/api/v1/me/journal/{samples['journal_entry']}", None),
        ("PUT", f"/api/v1/me/journal/{samples['journal_entry']}", {"text": "Changed.", "title": "Evening"}),
        ("PUT", f"/api/v1/me/journal/{samples['journal_entry']}", {"title": "no text"}),
        ("GET", "/api/v1/me/journal/999999", None),
        ("DELETE", f"/api/v1/me/journal/{samples['journal_entry']}", None),
        ("DELETE", "/api/v1/me/journal/999999", None),
        # Facilities' availability: the open feed, and a facility's staff (alice, in api_samples).
        ("GET", "/api/v1/availability", None),
        ("GET", "/api/v1/availability?page_size=0", None),
        ("PUT", f"/api/v1/staff/facilities/{samples['staff_facility']}/availability", {"new_clients": "yes"}),
        ("PUT", f"/api/v1/staff/facilities/{samples['staff_facility']}/availability", {"new_clients": "waitlist"}),
        ("PUT", "/api/v1/staff/facilities/999999/availability", {"new_clients": "yes"}),
        # Requests to be called: the facility's inbox (alice is its staff), then her own.
        ("GET", f"/api/v1/staff/facilities/{samples['staff_facility']}/handoffs", None),
        ("GET", f"/api/v1/staff/facilities/{samples['staff_facility']}/handoffs/{samples['handoff']}", None),
        ("GET", f"/api/v1/staff/facilities/{samples['staff_facility']}/handoffs/999999", None),
        ("POST", f"/api/v1/staff/facilities/{samples['staff_facility']}/handoffs/{samples['handoff']}/status", {}),
        (
            "POST",
            f"/api/v1/staff/facilities/{samples['staff_facility']}/handoffs/{samples['handoff']}/status",
            {"status": "contacted"},
        ),
        ("GET", "/api/v1/me/handoffs", None),
        ("GET", f"/api/v1/me/handoffs/{samples['handoff']}", None),
        ("GET", "/api/v1/me/handoffs/999999", None),
        ("POST", f"/api/v1/me/handoffs/{samples['handoff']}/withdraw", {}),
        *samples.get("extra", []),
    ]


def _schema_for(document: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any] | None:
    for template, item in document["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in item:
            responses = item[method.lower()]["responses"]
            entry = responses.get(str(status))
            assert entry is not None, f"{method} {path} answered {status}, which the document does not list"
            return {**entry["content"]["application/json"]["schema"], "components": document["components"]}
    return None


def _template(document: dict[str, Any], path: str, method: str) -> str | None:
    for template, item in document["paths"].items():
        if re.match("^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$", path) and method.lower() in item:
            return f"{method} {template}"
    return None


@pytest.fixture
def api_samples(db: Any, alice: Any) -> dict[str, Any]:
    from waypoint.directory.tests.factories import FacilityFactory
    from waypoint.guide.services import articles_load
    from waypoint.handoff.tests.access_samples import openapi_samples as handoff_samples
    from waypoint.journal.tests.access_samples import openapi_samples as journal_samples
    from waypoint.meetings.tests.factories import MeetingFactory
    from waypoint.recovery.tests.access_samples import openapi_samples

    articles_load()
    facility = FacilityFactory(latitude=38.03, longitude=-78.48, zip_code="22902")
    meeting = MeetingFactory(latitude=38.03, longitude=-78.48)
    return {
        "facility": facility.pk,
        "meeting": meeting.pk,
        **openapi_samples(alice),
        **journal_samples(alice),
        **handoff_samples(alice),
    }


def test_every_operations_real_answers_match_the_document(document, api_samples, alice):
    client = client_for(alice)
    exercised: set[str] = set()
    statuses: set[int] = set()
    for method, url, body in _calls(api_samples):
        if body is None:
            response = getattr(client, method.lower())(url)
        else:
            response = getattr(client, method.lower())(url, body, content_type="application/json")
        path = url.split("?")[0]
        schema = _schema_for(document, path, method, response.status_code)
        assert schema is not None, f"{method} {path} is not in the document"
        jsonschema.validate(response.json(), schema, cls=jsonschema.Draft202012Validator)
        exercised.add(_template(document, path, method) or "")
        statuses.add(response.status_code)
    every = {f"{method} {path}" for path, method, _ in _operations(document)}
    assert every - exercised == set(), "operations never called here: add calls for them to _calls()"
    assert {200, 404, 422} <= statuses


def test_a_rate_limited_answer_matches_the_document(document, client, monkeypatch):
    from waypoint.api import api

    monkeypatch.setattr(api.throttle[0], "num_requests", 2)
    responses = [client.get("/api/v1/instruments") for _ in range(3)]
    assert responses[-1].status_code == 429
    assert int(responses[-1]["Retry-After"]) > 0
    schema = _schema_for(document, "/api/v1/instruments", "GET", 429)
    jsonschema.validate(responses[-1].json(), schema, cls=jsonschema.Draft202012Validator)


def test_a_request_with_too_many_parameters_is_a_clear_400(document, client):
    query = "&".join(f"p{n}=1" for n in range(1500))
    response = client.get(f"/api/v1/facilities?near=22902&{query}")
    assert response.status_code == 400
    schema = _schema_for(document, "/api/v1/facilities", "GET", 400)
    jsonschema.validate(response.json(), schema, cls=jsonschema.Draft202012Validator)
