from unittest import mock

import pytest
from django.conf import settings
from django.db.utils import OperationalError
from django.test import override_settings

from waypoint.core.testing import skip_or_fail


@pytest.mark.django_db
def test_it_answers_ok_when_everything_answers(client):
    if settings.REDIS_URL:
        from waypoint.core.health import redis_problem

        if redis_problem():
            skip_or_fail("Redis at REDIS_URL does not answer")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_names_the_database_when_it_is_down(client):
    with mock.patch("waypoint.core.health.connection.cursor", side_effect=OperationalError("gone")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["database"]
    assert response.json()["errors"] == {"database": "OperationalError"}


@pytest.mark.django_db
@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_it_names_redis_when_it_is_configured_but_down(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["redis"]


@pytest.mark.django_db
@override_settings(REDIS_URL="")
def test_it_does_not_need_redis_when_none_is_configured(client):
    assert client.get("/healthz").status_code == 200
