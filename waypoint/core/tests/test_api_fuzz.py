"""The API under schemathesis: every operation of the served OpenAPI document, with
generated requests — valid and invalid — signed in with a personal access token, must
never answer with a server error, nor with anything the document does not allow (status
code, content type, headers, body schema), and must reject what the document forbids.

It runs inside the suite (the app through its WSGI handler, in the test's own thread and
database transaction), so it runs on SQLite and on PostgreSQL in CI. Bounded: a fixed
number of examples per operation and per phase, and no example database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import checks as schemathesis_checks
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi import checks as openapi_checks

EXAMPLES_PER_OPERATION = 30

# What "never breaks the document" means, check by check (schemathesis' own names).
CHECKS = [
    schemathesis_checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.negative_data_rejection,
]


@pytest.fixture
def api_schema(db: Any, alice: Any, monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[Any]:
    """The served document, loaded through the app itself, with a few rows to find."""
    from django.core import signals
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    from waypoint.api import api
    from waypoint.directory.tests.factories import FacilityFactory
    from waypoint.guide.services import articles_load
    from waypoint.journal.services import entry_create
    from waypoint.meetings.tests.factories import MeetingFactory
    from waypoint.recovery.tests.access_samples import openapi_samples

    # The per-client rate limit would answer most generated requests with a 429 (which the
    # document allows, but which would leave the operations themselves untested).
    monkeypatch.setattr(api.throttle[0], "num_requests", 10**9)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]  # schemathesis' WSGI host
    articles_load()
    FacilityFactory(latitude=38.03, longitude=-78.48, zip_code="22902")
    MeetingFactory(latitude=38.03, longitude=-78.48)
    openapi_samples(alice)
    entry_create(user=alice, text="A fuzzed morning.")
    # As Django's test client does: the handler must not close (or hand back to the pool)
    # the test's connection at the end of each request, inside the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(alice: Any) -> str:
    from waypoint.accounts.tokens import token_create

    _token, raw = token_create(user=alice, name="fuzz", scope="read-write")
    return raw


def _fuzz(operation: Any, mode: GenerationMode, token: str, sent: Counter[str] | None = None) -> list[str]:
    """Runs one operation's examples in one mode; returns what went wrong (shrunk by Hypothesis)."""
    problems: list[str] = []
    sent = Counter() if sent is None else sent

    @hypothesis_settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        # identity: the WSGI client does not undo the gzip GZipMiddleware applies.
        response = case.call(headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"})
        sent[f"{mode.value} {operation.label}"] += 1
        case.validate_response(response, checks=CHECKS)

    try:
        run()
    except Unsatisfiable:
        # Nothing in this operation can be made invalid (no parameters, or only a free
        # string in the path): there is no negative example to send.
        assert mode is GenerationMode.NEGATIVE, f"no valid example for {operation.label}"
    except (Exception, BaseExceptionGroup) as exc:  # failed checks (a FailureGroup), with the case that shows them
        problems.append(f"{mode.value} {operation.label}: {exc}")
    return problems


def test_every_operation_holds_to_the_document(api_schema: Any, token: str) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 20, "the document lost its operations"
    sent: Counter[str] = Counter()
    problems = [
        problem
        for operation in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        for problem in _fuzz(operation, mode, token, sent)
    ]
    assert problems == [], "\n\n".join(problems)
    never = [op.label for op in operations if not sent[f"positive {op.label}"]]
    assert never == [], f"operations never called: {never}"
    print(f"\nschemathesis: {len(operations)} operations, {sum(sent.values())} requests")


def test_the_fuzzing_catches_a_server_error(api_schema: Any, token: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The harness above really calls the app and really fails on a 500."""
    from waypoint.screening import api as screening_api

    def broken() -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(screening_api, "instruments", broken)
    operation = api_schema["/api/v1/instruments"]["GET"]
    problems = _fuzz(operation, GenerationMode.POSITIVE, token)
    assert len(problems) == 1
    assert "Server error" in problems[0]
