from __future__ import annotations

import pytest

from waypoint.meetings.importers import fetch


@pytest.fixture(autouse=True)
def _no_retry_wait(monkeypatch):
    monkeypatch.setattr(fetch, "RETRY_BACKOFF", 0)
