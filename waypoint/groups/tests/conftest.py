from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from waypoint.core.tests.personas import UserFactory
from waypoint.groups.tests.helpers import make_group


@dataclass
class Circle:
    """alice facilitates; dana and eli are members; bob is in no group."""

    group_id: int
    alice: Any
    dana: Any
    eli: Any


@pytest.fixture
def dana(db: Any) -> Any:
    return UserFactory(username="dana")


@pytest.fixture
def eli(db: Any) -> Any:
    return UserFactory(username="eli")


@pytest.fixture
def circle(alice: Any, dana: Any, eli: Any) -> Circle:
    lead = make_group(alice, dana, eli)
    return Circle(group_id=lead.group_id, alice=alice, dana=dana, eli=eli)
