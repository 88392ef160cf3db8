"""The admin lists articles but cannot edit them (the files are the source of truth)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_lists_articles_read_only(staff_client, fixture_articles):
    response = staff_client.get("/admin/guide/article/")
    assert response.status_code == 200
    assert "Buprenorfina" in response.content.decode()
    assert staff_client.get("/admin/guide/article/add/").status_code == 403
