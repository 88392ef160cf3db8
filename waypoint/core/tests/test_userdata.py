"""The My-data registry: typed providers, and shared content erased rather than deleted."""

from __future__ import annotations

import pytest

from waypoint.core import userdata


def _export(*, user):
    return []


def _delete(*, user):
    return 0


@pytest.fixture
def cleanup():
    keys: list[str] = []
    yield keys
    for key in keys:
        userdata.unregister(key)


def test_it_refuses_functions_that_do_not_take_the_person_by_keyword(cleanup):
    cleanup.append("test.bad")
    with pytest.raises(TypeError, match="keyword-only argument `user`"):
        userdata.register(key="test.bad", label="x", exporter=lambda user: [], deleter=_delete)
    with pytest.raises(TypeError, match="may not require other arguments"):
        userdata.register(key="test.bad", label="x", exporter=_export, deleter=lambda *, user, when: 0)
    assert "test.bad" not in {p.key for p in userdata.providers()}


def test_a_key_is_registered_once(cleanup):
    cleanup.append("test.once")
    userdata.register(key="test.once", label="x", exporter=_export, deleter=_delete)
    userdata.register(key="test.once", label="x", exporter=_export, deleter=_delete)  # same again: fine
    with pytest.raises(ValueError, match="already registered"):
        userdata.register(key="test.once", label="x", exporter=lambda *, user: [1], deleter=_delete)


def test_erasers_of_shared_content_run_before_deleters(cleanup):
    cleanup.extend(["aaa.personal", "zzz.shared"])
    userdata.register(key="aaa.personal", label="x", exporter=_export, deleter=_delete)
    userdata.register_shared(key="zzz.shared", label="x", exporter=_export, eraser=_delete)
    order = [p.key for p in userdata.removal_order() if p.key in {"aaa.personal", "zzz.shared"}]
    assert order == ["zzz.shared", "aaa.personal"]
    assert next(p for p in userdata.providers() if p.key == "zzz.shared").kind == "shared"
