"""Pages that ask a signed-in person for their password again are locked out after the
same number of wrong guesses as the sign-in page."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-Passphrase-42"


def _signed_in(client):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username="owner", password=PASSWORD)
    client.force_login(user)
    return user


@pytest.mark.parametrize("url", ["/en/account/password/", "/en/account/delete/", "/en/account/recovery-codes/"])
def test_it_locks_out_password_guessing_on_signed_in_pages(client, url):
    user = _signed_in(client)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(url, {"password": "wrong-guess-123"}).status_code == 200
    last = client.post(url, {"password": "wrong-guess-123"})
    assert last.status_code in {403, 429}
    # Locked: even the right password is refused now, and the account still exists.
    right = client.post(url, {"password": PASSWORD, "confirm": "DELETE"})
    assert right.status_code in {403, 429}
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


# --- Only a wrong secret counts (issue 15, item 3) ------------------------------------


def test_mismatched_new_passwords_with_the_right_current_one_never_lock_out(client):
    user = _signed_in(client)
    url = "/en/account/password/"
    for n in range(settings.AXES_FAILURE_LIMIT + 3):
        response = client.post(
            url, {"password": PASSWORD, "new_password1": f"new-pass-phrase-{n}a", "new_password2": "other"}
        )
        assert response.status_code == 200
        assert "The two passwords are not the same" in response.content.decode()
    new = "a-brand-new-pass-phrase-9"
    response = client.post(url, {"password": PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


def test_a_typo_in_delete_never_locks_out(client):
    user = _signed_in(client)
    url = "/en/account/delete/"
    for _ in range(settings.AXES_FAILURE_LIMIT + 3):
        response = client.post(url, {"password": PASSWORD, "confirm": "DELEET"})
        assert response.status_code == 200
        assert "Type the word DELETE to confirm" in response.content.decode()
    response = client.post(url, {"password": PASSWORD, "confirm": "DELETE"})
    assert response["Location"] == "/en/account/deleted/"
    assert not type(user).objects.filter(pk=user.pk).exists()


def test_wrong_codes_count_when_turning_two_step_off(client):
    from waypoint.core.tests.personas import totp_code, totp_on

    user = _signed_in(client)
    totp = totp_on(user)
    url = "/en/account/two-step/off/"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(url, {"password": PASSWORD, "code": "000000"}).status_code == 200
    assert client.post(url, {"password": PASSWORD, "code": "000000"}).status_code == 429
    assert client.post(url, {"password": PASSWORD, "code": totp_code(totp)}).status_code == 429
