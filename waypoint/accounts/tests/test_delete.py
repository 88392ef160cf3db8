from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models
from django.test import Client
from django.urls import reverse

from waypoint.accounts import services
from waypoint.accounts.models import AttemptCounter, RecoveryCode, TotpDevice, User
from waypoint.core import userdata
from waypoint.core.tests.personas import PASSWORD, UserFactory, totp_code, totp_on

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def temporary_provider(*, key: str, exporter, deleter) -> Iterator[None]:
    """Registers a provider for one test only (test-only: reaches into the registry)."""
    userdata.register(key=key, label=key, exporter=exporter, deleter=deleter)
    try:
        yield
    finally:
        userdata.unregister(key)


def _user_relations() -> list[tuple[type[models.Model], str]]:
    """(model, field name) for every relation to the user model, in every installed app."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    found = []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields(include_hidden=True):
            if field.concrete and field.is_relation and field.related_model is user_model:
                found.append((model, field.name))
    return found


def _sign_in_with_axes_records(user: User) -> Client:
    client = Client()
    client.post("/en/account/login/", {"username": user.username, "password": "wrong-wrong"})
    client.post("/en/account/login/", {"username": user.username, "password": PASSWORD})
    return client


def _sessions_of(user_id: int) -> list[str]:
    return [s.session_key for s in Session.objects.all() if str(s.get_decoded().get("_auth_user_id")) == str(user_id)]


def test_it_leaves_no_row_pointing_at_a_deleted_user_in_any_table():
    user = UserFactory()
    keeper = UserFactory()
    for person in (user, keeper):
        services.recovery_codes_generate(user=person)
        _sign_in_with_axes_records(person)
        totp_on(person)
    AccessFailureLog.objects.create(username=user.username, user_agent="", http_accept="", path_info="/")
    # Waypoint no longer logs sign-ins; rows left from before must still go with the account.
    for person in (user, keeper):
        AccessLog.objects.create(username=person.username, user_agent="", http_accept="", path_info="/")
    # Fill the hidden m2m tables too (groups, permissions) so they are checked for real.
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="testers")
    user.groups.add(group)
    user.user_permissions.add(Permission.objects.first())
    relations = _user_relations()
    assert (RecoveryCode, "user") in relations
    assert (TotpDevice, "user") in relations
    user_id = user.pk
    assert _sessions_of(user_id)
    assert AccessLog.objects.filter(username=user.username).exists()

    services.account_delete(user=user)

    leftovers = {
        f"{model._meta.label}.{name}": model._default_manager.filter(**{f"{name}_id": user_id}).count()
        if not model._meta.get_field(name).many_to_many
        else model._default_manager.filter(**{name: user_id}).count()
        for model, name in relations
    }
    assert all(count == 0 for count in leftovers.values()), leftovers
    assert not User.objects.filter(pk=user_id).exists()
    assert _sessions_of(user_id) == []
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        assert not model.objects.filter(username=user.username).exists()
    # The other person keeps everything.
    assert RecoveryCode.objects.filter(user=keeper).count() == 10
    assert TotpDevice.objects.filter(user=keeper).exists()
    assert _sessions_of(keeper.pk)
    assert AccessLog.objects.filter(username=keeper.username).exists()


def test_it_forgets_the_failure_count_of_the_deleted_account_only():
    user, keeper = UserFactory(), UserFactory()
    for person in (user, keeper):
        Client().post("/en/account/login/", {"username": person.username, "password": "wrong-wrong"})
    counters = set(AttemptCounter.objects.filter(key__startswith="account:").values_list("key", flat=True))
    assert len(counters) == 2

    services.account_delete(user=user)

    remaining = set(AttemptCounter.objects.filter(key__startswith="account:").values_list("key", flat=True))
    assert len(remaining) == 1
    assert remaining < counters


def test_it_rolls_everything_back_when_a_deleter_fails():
    user = UserFactory()
    services.recovery_codes_generate(user=user)
    _sign_in_with_axes_records(user)
    AccessLog.objects.create(username=user.username, user_agent="", http_accept="", path_info="/")

    def broken(*, user):
        raise RuntimeError("deleter failed")

    # "zzz" sorts last, so every real deleter has already run when this one fails.
    with temporary_provider(key="zzz.broken", exporter=lambda *, user: [], deleter=broken), pytest.raises(RuntimeError):
        services.account_delete(user=user)
    assert "zzz.broken" not in {p.key for p in userdata.providers()}
    assert User.objects.filter(pk=user.pk).exists()
    assert RecoveryCode.objects.filter(user=user).count() == 10
    assert _sessions_of(user.pk)
    assert AccessLog.objects.filter(username=user.username).exists()


def test_it_runs_every_registered_deleter():
    user = UserFactory()
    seen = []
    with temporary_provider(
        key="test.seen", exporter=lambda *, user: [], deleter=lambda *, user: seen.append(user.pk) or 0
    ):
        services.account_delete(user=user)
    assert seen == [user.pk]


def test_it_deletes_the_account_from_the_page(owner_client, owner):
    owner_id = owner.pk
    response = owner_client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "DELETE"})
    assert response["Location"] == reverse("accounts:deleted")
    assert not User.objects.filter(pk=owner_id).exists()
    assert "Your account is deleted" in owner_client.get(reverse("accounts:deleted")).content.decode()
    assert owner_client.get(reverse("accounts:home")).status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"password": "wrong", "confirm": "DELETE"}, "That is not your current password"),
        ({"password": PASSWORD, "confirm": "yes"}, "Type the word DELETE to confirm"),
    ],
)
def test_it_keeps_the_account_without_password_and_confirmation(owner_client, owner, data, message):
    response = owner_client.post(reverse("accounts:delete"), data)
    assert message in response.content.decode()
    assert User.objects.filter(pk=owner.pk).exists()


def test_it_asks_for_a_code_when_two_step_is_on(owner_client, owner):
    totp = totp_on(owner)
    refused = owner_client.post(
        reverse("accounts:delete"), {"password": PASSWORD, "confirm": "DELETE", "code": "000000"}
    )
    assert "That code is not right" in refused.content.decode()
    assert User.objects.filter(pk=owner.pk).exists()
    response = owner_client.post(
        reverse("accounts:delete"), {"password": PASSWORD, "confirm": "DELETE", "code": totp_code(totp)}
    )
    assert response["Location"] == reverse("accounts:deleted")
    assert not User.objects.filter(pk=owner.pk).exists()
