from __future__ import annotations

import json

import pytest
import time_machine
from django.urls import reverse

from waypoint.accounts import services
from waypoint.core.tests.personas import totp_on

pytestmark = pytest.mark.django_db


def test_it_lists_what_each_provider_holds(owner_client):
    response = owner_client.get(reverse("accounts:my_data"))
    page = response.content.decode()
    assert '<tr data-testid="provider-accounts.account"><td>Your account</td><td>1</td></tr>' in page
    assert "Your account" in page
    assert reverse("accounts:my_data_json") in page


@time_machine.travel("2026-11-22 10:00:00", tick=False)
def test_it_downloads_everything_as_json(owner_client, owner):
    services.recovery_codes_generate(user=owner)
    totp_on(owner)
    response = owner_client.get(reverse("accounts:my_data_json"))
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == 'attachment; filename="waypoint-my-data-2026-11-22.json"'
    export = json.loads(response.content)
    assert export["exported_at"].startswith("2026-11-22T10:00:00")
    account = export["data"]["accounts.account"]
    assert account["username"] == owner.username
    assert account["email"] == ""
    assert account["two_factor_enabled"] is True
    assert account["recovery_codes"]["unused"] == 10
    # Never a hash or a secret.
    text = response.content.decode()
    assert owner.password not in text
    assert owner.totp_device.secret not in text
    assert "digest" not in text
    assert "salt" not in text


def test_it_includes_every_registered_provider(owner):
    from waypoint.core import userdata

    export = services.account_export(user=owner)
    assert set(export["data"]) == {p.key for p in userdata.providers()}


def test_it_downloads_a_readable_page(owner_client, owner):
    response = owner_client.get(reverse("accounts:my_data_html"))
    assert response["Content-Type"].startswith("text/html")
    assert response["Content-Disposition"].startswith("attachment;")
    page = response.content.decode()
    assert "<h1>My data from Waypoint</h1>" in page
    assert owner.username in page
    assert "Your account" in page
    assert "style=" not in page


def test_it_escapes_stored_text_in_the_readable_page(owner_client, owner):
    owner.email = "a<b>@example.org"
    owner.save(update_fields=["email"])
    page = owner_client.get(reverse("accounts:my_data_html")).content.decode()
    assert "a<b>@" not in page
    assert "a&lt;b&gt;@" in page


def test_it_exports_only_the_owners_data(owner_client, owner, other_user):
    text = owner_client.get(reverse("accounts:my_data_json")).content.decode()
    assert owner.username in text
    assert other_user.username not in text
