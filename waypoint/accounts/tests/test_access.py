"""Who may open which account page: the owner, another signed-in person, and anonymous."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PRIVATE = [
    "accounts:home",
    "accounts:password_change",
    "accounts:recovery_codes",
    "accounts:totp_setup",
    "accounts:my_data",
    "accounts:my_data_json",
    "accounts:my_data_html",
    "accounts:delete",
]
PUBLIC = ["accounts:login", "accounts:signup", "accounts:password_reset", "accounts:logout", "accounts:deleted"]


@pytest.mark.parametrize("name", PRIVATE)
def test_it_sends_anonymous_people_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")


@pytest.mark.parametrize("name", PRIVATE)
def test_it_shows_the_owner_their_pages(owner_client, name):
    assert owner_client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", PUBLIC)
def test_it_shows_public_pages_to_anyone(client, name):
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", ["accounts:home", "accounts:my_data_json", "accounts:my_data_html"])
def test_it_shows_another_person_only_their_own_account(owner, other_user, name):
    other = Client()
    other.force_login(other_user)
    text = other.get(reverse(name)).content.decode()
    assert other_user.username in text
    assert owner.username not in text


def test_it_never_shows_anonymous_people_a_username(client, owner):
    assert owner.username not in client.get(reverse("accounts:my_data_json"), follow=True).content.decode()


@pytest.mark.parametrize("name", [*PRIVATE[:5], "accounts:delete"])
def test_it_puts_a_csrf_token_in_every_post_form_of_private_pages(owner_client, name):
    page = owner_client.get(reverse(name)).content.decode()
    assert page.count('method="post"') >= 1
    assert page.count('method="post"') == page.count('name="csrfmiddlewaretoken"')


@pytest.mark.parametrize("name", PUBLIC)
def test_it_puts_a_csrf_token_in_every_post_form_of_public_pages(client, name):
    page = client.get(reverse(name)).content.decode()
    assert page.count('method="post"') == page.count('name="csrfmiddlewaretoken"')
