"""Helpers shared by the test suites of every app (imported by tests only)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> None:
    """Skips locally when something the test needs is missing; fails when CI=true,
    because CI always has every service, Chromium and ../shared."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: a missing service or file is a failure, not a skip)")
    pytest.skip(reason)


def shared_data_path(*parts: str) -> Path:
    """Path of a file in ../shared/data, or a skip (a failure in CI) when it is absent."""
    path = Path(settings.SHARED_DATA_DIR).joinpath(*parts)
    if not path.exists():
        skip_or_fail(f"{path} is not here: the real data folder ../shared/data is absent")
    return path
