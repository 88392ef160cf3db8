"""Look-ups with their SQL written once (waypoint/core/rows.py) give what a queryset gives."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from waypoint.accounts.tokens import PersonalAccessToken, token_create, token_revoke
from waypoint.core.rows import Rows

pytestmark = pytest.mark.django_db

TOKENS = Rows(PersonalAccessToken, '"user_id" = %s AND "revoked_at" IS NULL', params=["user"])
LIVE_FIRST = Rows(PersonalAccessToken, '"user_id" = %s AND "revoked_at" IS NULL', params=["user"], limit=1)
WITH_USER = Rows(
    PersonalAccessToken,
    '{model}."name" = %s AND {related}."is_active" = %s',
    params=["name", "user__is_active"],
    related="user",
)
USERS = Rows("accounts.User", '"username" = %s AND "is_active" = %s', params=["username", "is_active"])


def _fields(instance):
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def test_rows_are_the_instances_a_queryset_makes(alice, bob):
    first, _raw = token_create(user=alice, name="phone", scope="read-write")
    second, _raw = token_create(user=alice, name="laptop", scope="read")
    token_create(user=bob, name="bob's", scope="read")
    PersonalAccessToken.objects.filter(pk=first.pk).update(last_used_at=timezone.now() - dt.timedelta(days=2))
    found = sorted(TOKENS.fetch(alice.pk), key=lambda row: -row.pk)
    expected = list(PersonalAccessToken.objects.filter(user=alice).order_by("-id"))
    assert [row.pk for row in found] == [second.pk, first.pk]
    assert [_fields(row) for row in found] == [_fields(row) for row in expected]
    # Converted as the ORM converts: aware datetimes, not the database's text.
    assert isinstance(found[1].last_used_at, dt.datetime)
    assert timezone.is_aware(found[1].last_used_at)
    assert found[0].last_used_at is None
    # Saved again without a change, as a loaded instance would be.
    assert not found[0]._state.adding
    found[0].name = "tablet"
    found[0].save(update_fields=["name"])
    assert PersonalAccessToken.objects.get(pk=second.pk).name == "tablet"


def test_parameters_are_prepared_by_their_fields(alice):
    """A model instance or a boolean is prepared as a lookup would prepare it."""
    assert [_fields(u) for u in USERS.fetch("alice", True)] == [_fields(get_user_model().objects.get(pk=alice.pk))]
    assert USERS.fetch("alice", False) == []
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert USERS.fetch("alice", True) == []
    assert [u.pk for u in USERS.fetch("alice", False)] == [alice.pk]


def test_first_exists_and_limit(alice):
    assert LIVE_FIRST.first(alice.pk) is None
    assert not LIVE_FIRST.exists(alice.pk)
    token, _raw = token_create(user=alice, name="phone", scope="read")
    later, _raw = token_create(user=alice, name="laptop", scope="read")
    assert LIVE_FIRST.exists(alice.pk)
    assert len(LIVE_FIRST.fetch(alice.pk)) == 1
    token_revoke(user=alice, token_id=token.pk)
    token_revoke(user=alice, token_id=later.pk)
    assert not LIVE_FIRST.exists(alice.pk)


def test_the_number_of_values_must_match(alice):
    with pytest.raises(TypeError):
        LIVE_FIRST.fetch(alice.pk, "extra")
    with pytest.raises(TypeError):
        USERS.exists("alice")


def test_a_related_row_is_read_in_the_same_statement(alice, bob, django_assert_num_queries):
    token_create(user=alice, name="phone", scope="read")
    token_create(user=bob, name="tablet", scope="read")
    with django_assert_num_queries(1):
        (found,) = WITH_USER.fetch("phone", True)
        user = found.user
    assert _fields(user) == _fields(get_user_model().objects.get(pk=alice.pk))
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert WITH_USER.fetch("phone", True) == []
    assert [row.user.username for row in WITH_USER.fetch("phone", False)] == ["alice"]
