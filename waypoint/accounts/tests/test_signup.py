from __future__ import annotations

import pytest
from django.urls import reverse

from waypoint.accounts.models import RecoveryCode, User
from waypoint.core.tests.personas import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/en/account/signup/"


def _post(client, **overrides):
    data = {"username": "river_7", "new_password1": PASSWORD, "new_password2": PASSWORD, "email": ""}
    data.update(overrides)
    return client.post(SIGNUP, data)


def test_it_explains_the_username_rules_and_that_email_is_optional(client):
    page = client.get(SIGNUP).content.decode()
    assert "Pick a name that does not identify you" in page
    assert "E-mail (optional)" in page
    assert "csrfmiddlewaretoken" in page


def test_it_signs_up_without_email_and_hashes_with_argon2(client, real_hashers):
    response = _post(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:recovery_codes_show")
    user = User.objects.get(username="river_7")
    assert user.email == ""
    assert user.password.startswith("argon2$")
    assert client.get(reverse("accounts:home")).status_code == 200


def test_it_shows_ten_recovery_codes_once_and_stores_only_hashes(client):
    _post(client)
    page = client.get(reverse("accounts:recovery_codes_show")).content.decode()
    assert "these codes are the only way back into your account" in page
    codes = client.session["accounts_new_recovery_codes"]["codes"]
    assert len(codes) == 10
    assert len(set(codes)) == 10
    stored = list(RecoveryCode.objects.values_list("digest", flat=True))
    assert len(stored) == 10
    for code in codes:
        assert code in page
        assert all(code not in digest and code.replace("-", "") not in digest for digest in stored)
    download = client.get(reverse("accounts:recovery_codes_download"))
    assert download["Content-Disposition"] == 'attachment; filename="waypoint-recovery-codes.txt"'
    assert all(code in download.content.decode() for code in codes)
    response = client.post(reverse("accounts:recovery_codes_show"))
    assert response.status_code == 302
    # Gone after "I saved them": a second visit does not show them again.
    assert client.get(reverse("accounts:recovery_codes_show"))["Location"] == reverse("accounts:recovery_codes")
    assert client.get(reverse("accounts:recovery_codes_download"))["Location"] == reverse("accounts:recovery_codes")


def test_it_forgets_unsaved_recovery_codes_after_fifteen_minutes(client):
    import time_machine

    with time_machine.travel("2026-11-22 12:00:00+00:00", tick=False):
        _post(client)
        assert client.get(reverse("accounts:recovery_codes_show")).status_code == 200
    with time_machine.travel("2026-11-22 12:16:00+00:00", tick=False):
        assert client.get(reverse("accounts:recovery_codes_show"))["Location"] == reverse("accounts:recovery_codes")
        assert "accounts_new_recovery_codes" not in client.session


def test_it_lowercases_usernames_and_refuses_one_taken_in_another_case(client):
    UserFactory(username="river_7")
    response = _post(client, username="River_7")
    assert response.status_code == 200
    assert "This username is taken" in response.content.decode()


@pytest.mark.parametrize("username", ["ab", "me@example.org", "has space", "x" * 31, "ñandú"])
def test_it_refuses_usernames_outside_the_rules(client, username):
    response = _post(client, username=username)
    assert response.status_code == 200
    assert not User.objects.exists()
    assert "errorlist" in response.content.decode()


def test_it_refuses_different_passwords(client):
    response = _post(client, new_password2=PASSWORD + "x")
    assert "The two passwords are not the same" in response.content.decode()
    assert not User.objects.exists()


def test_it_refuses_a_weak_password(client):
    response = _post(client, new_password1="password", new_password2="password")
    assert response.status_code == 200
    assert "too common" in response.content.decode()
    assert not User.objects.exists()


def test_it_refuses_a_post_without_csrf_token():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(SIGNUP, {"username": "river_7", "new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 403
    assert not User.objects.exists()
