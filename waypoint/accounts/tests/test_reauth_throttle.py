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
