"""Fixtures of the journal tests."""

from __future__ import annotations

from typing import Any

import pytest

from waypoint.core import crypto
from waypoint.journal import services


def write(user: Any, text: str = "A quiet day.", **extra: Any) -> Any:
    return services.entry_create(user=user, text=text, **extra)


@pytest.fixture(autouse=True)
def _forget_keys() -> Any:
    crypto.forget_cached_keys()
    yield
    crypto.forget_cached_keys()
