from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from waypoint.core.tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/en/account/login/"
GENERIC = "That username and password do not match"


def test_it_signs_in_and_goes_to_the_account_page(client, owner):
    response = client.post(LOGIN, {"username": owner.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")
    assert client.get(reverse("accounts:home")).context["user"] == owner


def test_it_accepts_the_username_in_any_case(client, owner):
    response = client.post(LOGIN, {"username": owner.username.upper(), "password": PASSWORD})
    assert response.status_code == 302


def test_it_says_the_same_for_a_wrong_password_and_an_unknown_name(client, owner):
    wrong = client.post(LOGIN, {"username": owner.username, "password": "nope-nope-nope"}).content.decode()
    unknown = client.post(LOGIN, {"username": "nobody_here", "password": "nope-nope-nope"}).content.decode()
    assert GENERIC in wrong
    assert GENERIC in unknown


def test_it_follows_a_safe_next_and_ignores_another_host(client, owner):
    response = client.post(LOGIN + "?next=/en/account/my-data/", {"username": owner.username, "password": PASSWORD})
    assert response["Location"] == "/en/account/my-data/"
    client.logout()
    response = client.post(LOGIN + "?next=https://evil.example/", {"username": owner.username, "password": PASSWORD})
    assert response["Location"] == reverse("accounts:home")


def test_it_locks_out_after_five_failures_and_explains_the_wait(client, owner):
    for _ in range(4):
        assert client.post(LOGIN, {"username": owner.username, "password": "wrong-wrong"}).status_code == 200
    fifth = client.post(LOGIN, {"username": owner.username, "password": "wrong-wrong"})
    assert fifth.status_code == 429
    assert "signing in is paused for 15 minutes" in fifth.content.decode()
    # Even the right password is refused while locked out.
    locked = client.post(LOGIN, {"username": owner.username, "password": PASSWORD})
    assert locked.status_code == 429
    assert client.get(reverse("accounts:home")).status_code == 302
    # axes never stores the password typed.
    assert PASSWORD not in AccessAttempt.objects.get().post_data


def test_it_keeps_the_next_page_out_of_the_sign_in_records(client, owner):
    client.post(
        LOGIN + "?next=/en/check/private-page/",
        {"username": owner.username, "password": "wrong-wrong", "next": "/en/check/private-page/"},
    )
    attempt = AccessAttempt.objects.get()
    assert "private-page" not in attempt.get_data
    assert "private-page" not in attempt.post_data
    assert "wrong-wrong" not in attempt.post_data


def test_it_locks_out_an_unknown_name_the_same_way(client):
    for _ in range(5):
        response = client.post(LOGIN, {"username": "nobody_here", "password": "wrong-wrong"})
    assert response.status_code == 429


def test_it_signs_out_only_with_post(owner_client):
    page = owner_client.get(reverse("accounts:logout"))
    assert page.status_code == 200
    assert owner_client.get(reverse("accounts:home")).status_code == 200
    response = owner_client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("core:home")
    assert owner_client.get(reverse("accounts:home")).status_code == 302


def test_it_signs_out_everywhere(owner):
    laptop, phone = Client(), Client()
    for device in (laptop, phone):
        device.post(LOGIN, {"username": owner.username, "password": PASSWORD})
        assert device.get(reverse("accounts:home")).status_code == 200
    response = laptop.post(reverse("accounts:logout_everywhere"))
    assert response["Location"] == reverse("accounts:login")
    assert phone.get(reverse("accounts:home")).status_code == 302
    assert laptop.get(reverse("accounts:home")).status_code == 302
    owner.refresh_from_db()
    assert owner.session_generation == 1
    # The rows are gone from the sessions table too, not just made useless.
    remaining = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(owner.pk) not in remaining


def test_it_refuses_sign_out_everywhere_by_get(owner_client):
    assert owner_client.get(reverse("accounts:logout_everywhere")).status_code == 405


def test_it_changes_the_password_keeping_this_device_and_ending_others(owner):
    here, there = Client(), Client()
    for device in (here, there):
        device.post(LOGIN, {"username": owner.username, "password": PASSWORD})
    new = "another-long-password-77"
    response = here.post(
        reverse("accounts:password_change"),
        {"password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response["Location"] == reverse("accounts:home")
    assert here.get(reverse("accounts:home")).status_code == 200
    assert there.get(reverse("accounts:home")).status_code == 302
    owner.refresh_from_db()
    assert owner.check_password(new)


def test_it_refuses_a_password_change_with_the_wrong_current_password(owner_client, owner):
    new = "another-long-password-77"
    response = owner_client.post(
        reverse("accounts:password_change"), {"password": "wrong", "new_password1": new, "new_password2": new}
    )
    assert "That is not your current password" in response.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
