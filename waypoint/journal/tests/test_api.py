"""/api/v1/me/journal: the person's own entries as JSON, beside the recovery API."""

from __future__ import annotations

import pytest

from waypoint.journal.models import JournalEntry
from waypoint.journal.tests.conftest import write

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/journal"


def test_it_creates_lists_reads_replaces_and_deletes(alice, alice_client):
    created = alice_client.post(
        URL,
        {"text": "Walked by the river.", "title": "Evening", "mood": 4, "tags": ["calm"]},
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["title"], body["text"], body["mood"], body["tags"]) == ("Evening", "Walked by the river.", 4, ["calm"])
    entry_id = body["id"]
    listed = alice_client.get(URL).json()
    assert (listed["count"], listed["pages"], [e["id"] for e in listed["entries"]]) == (1, 1, [entry_id])
    assert alice_client.get(f"{URL}/{entry_id}").json()["text"] == "Walked by the river."
    replaced = alice_client.put(f"{URL}/{entry_id}", {"text": "Changed."}, content_type="application/json")
    assert replaced.status_code == 200
    assert (replaced.json()["text"], replaced.json()["title"], replaced.json()["tags"]) == ("Changed.", None, [])
    assert alice_client.delete(f"{URL}/{entry_id}").json() == {"deleted": entry_id}
    assert not JournalEntry.objects.filter(pk=entry_id).exists()


def test_q_searches(alice, alice_client):
    write(alice, "the red kite")
    write(alice, "a blue boat", tags=["kite"])
    write(alice, "nothing")
    answer = alice_client.get(URL + "?q=KITE").json()
    assert answer["count"] == 2
    assert alice_client.get(URL + "?q=kite&tag=kite").json()["count"] == 1


def test_another_persons_entry_is_a_404_before_the_body_is_read(alice, bob_client):
    entry = write(alice, "alice only")
    for method, kwargs in (("get", {}), ("delete", {}), ("put", {"data": {}, "content_type": "application/json"})):
        response = getattr(bob_client, method)(f"{URL}/{entry.pk}", **kwargs)
        assert response.status_code == 404, method
        assert "alice only" not in response.content.decode()
    assert JournalEntry.objects.get(pk=entry.pk).text == "alice only"


def test_a_replacement_without_text_is_refused(alice, alice_client):
    entry = write(alice, "keep me")
    response = alice_client.put(f"{URL}/{entry.pk}", {"title": "x"}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "text"]
    assert JournalEntry.objects.get(pk=entry.pk).text == "keep me"


def test_anonymous_is_401(client):
    assert client.get(URL).status_code == 401


def test_a_future_date_is_refused_in_the_one_error_shape(alice_client):
    response = alice_client.post(URL, {"text": "x", "date": "2999-01-01"}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "date"]


def test_answers_are_never_kept_by_a_cache(alice, alice_client):
    entry = write(alice, "mine")
    for response in (alice_client.get(URL), alice_client.get(f"{URL}/{entry.pk}")):
        assert "no-store" in response["Cache-Control"]
