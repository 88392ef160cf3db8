"""The access-token pages: made (shown once), listed, revoked; each person sees only theirs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from waypoint.accounts.tokens import PersonalAccessToken, token_create
from waypoint.core.tests.personas import client_for

pytestmark = pytest.mark.django_db


def test_it_makes_a_token_and_shows_it_once(alice):
    client = client_for(alice)
    page = client.post(reverse("accounts:tokens"), {"name": "my phone", "scope": "read-write"})
    html = page.content.decode()
    raw = html.split('data-testid="new-token">')[1].split("<")[0]
    assert raw.startswith("wpt_")
    token = PersonalAccessToken.objects.get(user=alice)
    assert token.scope == "read-write"
    assert client.get(reverse("accounts:tokens")).content.decode().count(raw) == 0  # never again
    assert "no-store" in page["Cache-Control"]
    # The token works on the API.
    assert client_for(None).get("/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_it_revokes_only_the_persons_own_token(alice, bob):
    token, _raw = token_create(user=alice, name="laptop", scope="read")
    refused = client_for(bob).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert refused.status_code == 404
    assert PersonalAccessToken.objects.get(pk=token.pk).revoked_at is None
    done = client_for(alice).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert done.status_code == 302
    assert PersonalAccessToken.objects.get(pk=token.pk).revoked_at is not None
    assert "laptop" not in client_for(alice).get(reverse("accounts:tokens")).content.decode()


def test_tokens_join_my_data_and_go_with_the_account(alice):
    from waypoint.accounts import services

    token_create(user=alice, name="watch", scope="read")
    exported = services.account_export(user=alice)["data"]["accounts.tokens"]
    assert exported[0]["name"] == "watch"
    assert "digest" not in exported[0]
    services.account_delete(user=alice)
    assert not PersonalAccessToken.objects.exists()
