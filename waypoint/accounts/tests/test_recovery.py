from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from waypoint.accounts import services
from waypoint.accounts.models import RecoveryCode
from waypoint.core.tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

RESET = "/en/account/password/reset/"
NEW = "fresh-start-password-88"


def _reset(client, username, code, password=NEW):
    return client.post(
        RESET, {"username": username, "code": code, "new_password1": password, "new_password2": password}
    )


def test_it_resets_a_password_with_a_code_and_the_code_works_once(client, owner):
    codes = services.recovery_codes_generate(user=owner)
    response = _reset(client, owner.username, codes[0])
    assert response["Location"] == reverse("accounts:login")
    owner.refresh_from_db()
    assert owner.check_password(NEW)
    again = _reset(client, owner.username, codes[0], password="yet-another-password-99")
    assert "That username and recovery code do not match" in again.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(NEW)


def test_it_accepts_a_code_typed_loosely(owner):
    codes = services.recovery_codes_generate(user=owner)
    assert services.recovery_code_use(user=owner, code=f"  {codes[1].lower().replace('-', ' ')} ")
    assert RecoveryCode.objects.filter(user=owner, used_at__isnull=False).count() == 1


def test_it_refuses_another_persons_code(owner, other_user):
    codes = services.recovery_codes_generate(user=other_user)
    assert not services.recovery_code_use(user=owner, code=codes[0])
    assert services.recovery_code_use(user=other_user, code=codes[0])


def test_it_says_the_same_for_an_unknown_name(client):
    response = _reset(client, "nobody_here", "ABCD-EFGH-JKMN")
    assert "That username and recovery code do not match" in response.content.decode()


def test_it_keeps_the_code_when_the_new_password_is_refused(client, owner):
    codes = services.recovery_codes_generate(user=owner)
    response = _reset(client, owner.username, codes[0], password="password")
    assert response.status_code == 200
    assert RecoveryCode.objects.filter(used_at__isnull=True).count() == 10


def test_it_locks_out_code_guessing_like_sign_in(client, owner):
    services.recovery_codes_generate(user=owner)
    for _ in range(4):
        assert _reset(client, owner.username, "AAAA-BBBB-CCCC").status_code == 200
    assert _reset(client, owner.username, "AAAA-BBBB-CCCC").status_code == 429
    # The wrong code is not kept in the axes record.
    assert "AAAA-BBBB-CCCC" not in AccessAttempt.objects.get().post_data
    assert NEW not in AccessAttempt.objects.get().post_data


def test_it_signs_out_everywhere_after_a_reset(client, owner_client, owner):
    codes = services.recovery_codes_generate(user=owner)
    _reset(client, owner.username, codes[0])
    assert owner_client.get(reverse("accounts:home")).status_code == 302


def test_it_makes_new_codes_only_with_the_password(owner_client, owner):
    old = services.recovery_codes_generate(user=owner)
    refused = owner_client.post(reverse("accounts:recovery_codes"), {"password": "wrong"})
    assert "That is not your current password" in refused.content.decode()
    response = owner_client.post(reverse("accounts:recovery_codes"), {"password": PASSWORD})
    assert response["Location"] == reverse("accounts:recovery_codes_show")
    new = owner_client.session["accounts_new_recovery_codes"]["codes"]
    assert set(new).isdisjoint(old)
    assert not services.recovery_code_use(user=owner, code=old[0])
    assert services.recovery_code_use(user=owner, code=new[0])


def test_it_exports_when_codes_were_used_but_never_the_codes(owner):
    codes = services.recovery_codes_generate(user=owner)
    services.recovery_code_use(user=owner, code=codes[0])
    exported = services.account_export(user=owner)["data"]["accounts.account"]["recovery_codes"]
    assert exported["unused"] == 9
    assert len(exported["used_on"]) == 1
    assert codes[0] not in str(exported)
