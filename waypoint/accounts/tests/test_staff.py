"""Staff pages (the admin) open only through the site's own sign-in, with its second step
and its limits, and only for a session that passed two-step sign-in (issue 15, item 1)."""

from __future__ import annotations

import pyotp
import pytest
import time_machine
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from waypoint.accounts.models import TotpDevice
from waypoint.core.tests.personas import (
    PASSWORD,
    UserFactory,
    client_for,
    make_staff,
    totp_code,
    totp_on,
    two_step_passed,
)

pytestmark = pytest.mark.django_db

LOGIN = "/en/account/login/"
SECOND = "/en/account/login/code/"
ADMIN = "/admin/"


def _admin_opens(client: Client) -> bool:
    response = client.get(ADMIN)
    return response.status_code == 200 and "site administration" in response.content.decode().lower()


def test_the_admin_sign_in_page_sends_people_to_the_site_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=%2Fadmin%2F"
    # Anything in the admin, asked for anonymously, ends at the same place.
    followed = client.get("/admin/directory/facility/", follow=True)
    assert followed.redirect_chain[-1][0].startswith(reverse("accounts:login") + "?next=")


def test_the_admin_sign_in_form_no_longer_takes_a_password(client):
    staff = make_staff(username="operator")
    response = client.post("/admin/login/", {"username": staff.username, "password": PASSWORD, "next": ADMIN})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get(reverse("accounts:home")).status_code == 302  # not signed in
    assert not _admin_opens(client)


def test_a_staff_password_alone_does_not_open_the_admin(client):
    staff = make_staff(username="operator")
    response = client.post(f"{LOGIN}?next=/admin/", {"username": staff.username, "password": PASSWORD})
    assert response["Location"].startswith(SECOND)
    assert not _admin_opens(client)


def test_staff_sign_in_with_the_code_opens_the_admin(client):
    staff = UserFactory(username="operator", is_staff=True, is_superuser=True)
    totp = totp_on(staff)
    client.post(f"{LOGIN}?next=/admin/", {"username": staff.username, "password": PASSWORD})
    response = client.post(f"{SECOND}?next=/admin/", {"code": totp_code(totp)})
    assert response["Location"] == ADMIN
    assert _admin_opens(client)


def test_a_staff_session_that_skipped_the_second_step_is_not_staff():
    staff = make_staff(username="operator")
    client = Client()
    client.force_login(staff)  # signed in, but never through the second step
    assert not _admin_opens(client)
    assert client.get("/admin/directory/facility/").status_code == 302
    # The admin asks for a fresh sign-in with the code, and this session is over.
    response = client.get("/admin/login/?next=/admin/")
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get(reverse("accounts:home")).status_code == 302


def test_a_staff_account_without_an_authenticator_must_set_one_up_first(client):
    staff = UserFactory(username="operator", is_staff=True, is_superuser=True)
    with time_machine.travel("2026-12-01 10:00:05", tick=False):
        response = client.post(f"{LOGIN}?next=/admin/", {"username": staff.username, "password": PASSWORD})
        # Signed in as an ordinary person, and sent to turn on two-step sign-in.
        assert response["Location"] == reverse("accounts:totp_setup")
        assert not _admin_opens(client)
        assert client.get("/admin/login/?next=/admin/")["Location"] == reverse("accounts:totp_setup")

        client.get(reverse("accounts:totp_setup"))
        totp = pyotp.TOTP(TotpDevice.objects.get(user=staff).secret)
        client.post(reverse("accounts:totp_setup"), {"code": totp_code(totp)})
        # Setting it up is not signing in with it: the admin asks for a sign-in with the code.
        assert not _admin_opens(client)
        again = client.get("/admin/login/?next=/admin/")
        assert again["Location"] == f"{reverse('accounts:login')}?next=%2Fadmin%2F"
    with time_machine.travel("2026-12-01 10:01:05", tick=False):
        client.post(f"{LOGIN}?next=/admin/", {"username": staff.username, "password": PASSWORD})
        client.post(f"{SECOND}?next=/admin/", {"code": totp_code(totp)})
        assert _admin_opens(client)


def test_turning_two_step_off_closes_the_staff_pages(client):
    staff = UserFactory(username="operator", is_staff=True, is_superuser=True)
    totp = totp_on(staff)
    client = client_for(staff)
    assert _admin_opens(client)
    response = client.post(reverse("accounts:totp_disable"), {"password": PASSWORD, "code": totp_code(totp)})
    assert response["Location"] == reverse("accounts:home")
    assert not _admin_opens(client)


def test_the_personas_staff_client_has_passed_the_second_step(staff_client):
    assert _admin_opens(staff_client)


def test_two_step_passed_marks_a_force_login_client(staff):
    client = Client()
    client.force_login(staff)
    assert not _admin_opens(client)
    assert _admin_opens(two_step_passed(client))


def test_people_who_are_not_staff_get_not_found_from_the_admin(alice):
    client = two_step_passed(client_for(alice))
    assert client.get("/admin/login/?next=/admin/").status_code == 404
    response = client.get(ADMIN, follow=True)
    assert response.status_code == 404


def test_the_admin_password_page_is_the_site_one(staff_client):
    response = staff_client.get("/admin/password_change/")
    assert response["Location"] == reverse("accounts:password_change")


def test_the_admin_is_waypoints_site():
    from waypoint.accounts.admin_site import WaypointAdminSite

    assert isinstance(admin.site._wrapped, WaypointAdminSite)  # type: ignore[attr-defined]
