"""Usernames are one case everywhere: folded by the service and the model, and unique on
the folded name in the database (issue 15, item 4)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from waypoint.accounts import services
from waypoint.accounts.models import User
from waypoint.core.tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_sign_up_service_folds_the_name_whoever_calls_it():
    user, _codes = services.user_signup(username="  Alice.Walker ", password=PASSWORD)
    assert user.username == "alice.walker"
    with pytest.raises(ValidationError):
        services.user_signup(username="ALICE.WALKER", password=PASSWORD)
    assert User.objects.count() == 1


def test_the_sign_up_service_refuses_a_name_outside_the_rule():
    for bad in ("al", "alice@example.org", "two words", "x" * 31):
        with pytest.raises(ValidationError):
            services.user_signup(username=bad, password=PASSWORD)
    assert not User.objects.exists()


def test_createsuperuser_and_create_user_fold_too():
    assert User.objects.create_user(username="Operator", password=PASSWORD).username == "operator"
    call_command("createsuperuser", username="Chief", email="", interactive=False, verbosity=0)
    assert User.objects.filter(username="chief", is_superuser=True).exists()


def test_the_database_refuses_a_second_name_differing_only_in_case():
    User.objects.create(username="bob")
    with pytest.raises(IntegrityError), transaction.atomic():
        # A raw insert that skips every Python path still meets the unique index.
        User.objects.bulk_create([User(username="BOB")])


def test_signing_in_and_resetting_accept_any_case(client):
    user, codes = services.user_signup(username="carol", password=PASSWORD)
    assert client.post("/en/account/login/", {"username": "CaRoL", "password": PASSWORD}).status_code == 302
    new = "another-pass-phrase-31"
    assert services.password_reset_with_code(username="CAROL", code=codes[0], new_password=new) == user
